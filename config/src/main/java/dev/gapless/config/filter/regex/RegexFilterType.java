package dev.gapless.config.filter.regex;

import dev.gapless.config.filter.grok.GrokCompiler;
import dev.gapless.config.filter.grok.MatchConfig;
import dev.gapless.config.plugin.FilterCommon;
import dev.gapless.config.plugin.FilterType;
import dev.gapless.config.plugin.Settings;

/** {@code type: regex}: each pattern compiled at load, a bad one reported at {@code pattern}. */
public final class RegexFilterType implements FilterType<RegexFilterConfig> {

    public static final String NAME = "regex";
    public static final RegexFilterType INSTANCE = new RegexFilterType();

    private RegexFilterType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<RegexFilterConfig> configClass() {
        return RegexFilterConfig.class;
    }

    @Override
    public RegexFilterConfig bind(Settings s, FilterCommon c) {
        MatchConfig match = MatchConfig.bind(s, RegexFilterConfig.DEFAULT_TAG_ON_FAILURE, GrokCompiler::compileRegex);
        return match == null || c.id() == null ? null : new RegexFilterConfig(c.id(), c.when(), match);
    }
}
