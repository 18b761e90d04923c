package dev.gapless.agent.filter.mutate;

import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.agent.plugin.FilterFactory;
import dev.gapless.config.filter.mutate.MutateFilterConfig;
import dev.gapless.config.filter.mutate.MutateFilterType;

/** Builds {@code type: mutate}. */
public final class MutateFilterFactory implements FilterFactory<MutateFilterConfig> {

    @Override
    public MutateFilterType type() {
        return MutateFilterType.INSTANCE;
    }

    @Override
    public Filter create(MutateFilterConfig config, FilterContext context) {
        return new MutateFilter(config, context.stats());
    }
}
