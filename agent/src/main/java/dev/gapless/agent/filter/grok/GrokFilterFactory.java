package dev.gapless.agent.filter.grok;

import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.agent.plugin.FilterFactory;
import dev.gapless.config.filter.grok.GrokFilterConfig;
import dev.gapless.config.filter.grok.GrokFilterType;

/** Builds {@code type: grok}: its expressions were compiled at config load. */
public final class GrokFilterFactory implements FilterFactory<GrokFilterConfig> {

    @Override
    public GrokFilterType type() {
        return GrokFilterType.INSTANCE;
    }

    @Override
    public Filter create(GrokFilterConfig config, FilterContext context) {
        return new MatchingFilter(config.match(), GrokFilterConfig.TIMEOUT_TAG, context.stats());
    }
}
