package dev.gapless.agent.filter.redact;

import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.agent.plugin.FilterFactory;
import dev.gapless.config.filter.redact.RedactFilterConfig;
import dev.gapless.config.filter.redact.RedactFilterType;

/** Builds {@code type: redact}. */
public final class RedactFilterFactory implements FilterFactory<RedactFilterConfig> {

    @Override
    public RedactFilterType type() {
        return RedactFilterType.INSTANCE;
    }

    @Override
    public Filter create(RedactFilterConfig config, FilterContext context) {
        return new RedactFilter(config, context.stats());
    }
}
