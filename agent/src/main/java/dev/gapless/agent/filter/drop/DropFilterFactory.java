package dev.gapless.agent.filter.drop;

import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.agent.plugin.FilterFactory;
import dev.gapless.config.filter.drop.DropFilterConfig;
import dev.gapless.config.filter.drop.DropFilterType;

/** Builds {@code type: drop}: the chain applies it only where its {@code when:} holds, and it drops all it sees. */
public final class DropFilterFactory implements FilterFactory<DropFilterConfig> {

    @Override
    public DropFilterType type() {
        return DropFilterType.INSTANCE;
    }

    @Override
    public Filter create(DropFilterConfig config, FilterContext context) {
        return event -> false;
    }
}
