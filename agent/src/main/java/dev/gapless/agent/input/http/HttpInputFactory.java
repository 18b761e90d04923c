package dev.gapless.agent.input.http;

import dev.gapless.agent.input.Input;
import dev.gapless.agent.plugin.InputContext;
import dev.gapless.agent.plugin.InputFactory;
import dev.gapless.config.input.http.HttpInputConfig;
import dev.gapless.config.input.http.HttpInputType;
import dev.gapless.config.plugin.InputType;

/** Builds {@code type: http} inputs. */
public final class HttpInputFactory implements InputFactory<HttpInputConfig> {

    @Override
    public InputType<HttpInputConfig> type() {
        return HttpInputType.INSTANCE;
    }

    @Override
    public Input create(HttpInputConfig config, InputContext ctx) {
        return new HttpInput(config, ctx.ingest(), ctx.boss(), ctx.workers(), ctx.clock());
    }
}
