package dev.gapless.agent.filter.regex;

import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.filter.grok.MatchingFilter;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.agent.plugin.FilterFactory;
import dev.gapless.config.filter.regex.RegexFilterConfig;
import dev.gapless.config.filter.regex.RegexFilterType;

/** Builds {@code type: regex}: grok's matching, with the regex filter's tags. */
public final class RegexFilterFactory implements FilterFactory<RegexFilterConfig> {

    @Override
    public RegexFilterType type() {
        return RegexFilterType.INSTANCE;
    }

    @Override
    public Filter create(RegexFilterConfig config, FilterContext context) {
        return new MatchingFilter(config.match(), RegexFilterConfig.TIMEOUT_TAG, context.stats());
    }
}
