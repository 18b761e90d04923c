package dev.gapless.agent.filter.json;

import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.agent.plugin.FilterFactory;
import dev.gapless.config.filter.json.JsonFilterConfig;
import dev.gapless.config.filter.json.JsonFilterType;

/** Builds {@code type: json}. */
public final class JsonFilterFactory implements FilterFactory<JsonFilterConfig> {

    @Override
    public JsonFilterType type() {
        return JsonFilterType.INSTANCE;
    }

    @Override
    public Filter create(JsonFilterConfig config, FilterContext context) {
        return new JsonFilter(config, context.stats());
    }
}
