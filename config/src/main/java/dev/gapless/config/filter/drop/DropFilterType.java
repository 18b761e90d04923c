package dev.gapless.config.filter.drop;

import dev.gapless.config.plugin.FilterCommon;
import dev.gapless.config.plugin.FilterType;
import dev.gapless.config.plugin.Settings;

/** {@code type: drop}: drops the events its {@code when:} holds for. It has no settings of its own. */
public final class DropFilterType implements FilterType<DropFilterConfig> {

    public static final String NAME = "drop";
    public static final DropFilterType INSTANCE = new DropFilterType();

    private DropFilterType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<DropFilterConfig> configClass() {
        return DropFilterConfig.class;
    }

    @Override
    public DropFilterConfig bind(Settings s, FilterCommon c) {
        return c.id() == null ? null : new DropFilterConfig(c.id(), c.when());
    }
}
