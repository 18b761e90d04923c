package dev.gapless.agent.filter.kv;

import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.agent.plugin.FilterFactory;
import dev.gapless.config.filter.kv.KvFilterConfig;
import dev.gapless.config.filter.kv.KvFilterType;

/** Builds {@code type: kv}. */
public final class KvFilterFactory implements FilterFactory<KvFilterConfig> {

    @Override
    public KvFilterType type() {
        return KvFilterType.INSTANCE;
    }

    @Override
    public Filter create(KvFilterConfig config, FilterContext context) {
        return new KvFilter(config, context.stats());
    }
}
