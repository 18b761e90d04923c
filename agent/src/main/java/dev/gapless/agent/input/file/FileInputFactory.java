package dev.gapless.agent.input.file;

import dev.gapless.agent.input.Input;
import dev.gapless.agent.plugin.InputContext;
import dev.gapless.agent.plugin.InputFactory;
import dev.gapless.config.input.file.FileInputConfig;
import dev.gapless.config.input.file.FileInputType;
import dev.gapless.config.plugin.InputType;

/** Builds {@code type: file} inputs. */
public final class FileInputFactory implements InputFactory<FileInputConfig> {

    @Override
    public InputType<FileInputConfig> type() {
        return FileInputType.INSTANCE;
    }

    @Override
    public Input create(FileInputConfig config, InputContext ctx) {
        return new FileInput(config, ctx.ingest(), ctx.checkpointFile().apply(config.id()), ctx.syncCheckpoints(),
                ctx.clock());
    }
}
