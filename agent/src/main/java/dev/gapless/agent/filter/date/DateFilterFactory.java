package dev.gapless.agent.filter.date;

import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.agent.plugin.FilterFactory;
import dev.gapless.config.filter.date.DateFilterConfig;
import dev.gapless.config.filter.date.DateFilterType;

/** Builds {@code type: date}. */
public final class DateFilterFactory implements FilterFactory<DateFilterConfig> {

    @Override
    public DateFilterType type() {
        return DateFilterType.INSTANCE;
    }

    @Override
    public Filter create(DateFilterConfig config, FilterContext context) {
        return new DateFilter(config, context);
    }
}
