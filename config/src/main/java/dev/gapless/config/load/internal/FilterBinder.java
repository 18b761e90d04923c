package dev.gapless.config.load.internal;

import dev.gapless.config.FilterConfig;
import dev.gapless.config.condition.Condition;
import dev.gapless.config.plugin.FilterCommon;
import dev.gapless.config.plugin.FilterType;
import dev.gapless.config.plugin.Registry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Binds the {@code filters} list, in order: the keys every filter has, then the rest by the {@link FilterType} the
 * {@link Registry} names for its {@code type}; ids unique, defaulting to {@code <type>_<position>}.
 */
final class FilterBinder {

    private final Values values;
    private final ShapedValues shaped;
    private final Problems problems;
    private final Listeners listeners;

    FilterBinder(Values values, Problems problems, Listeners listeners) {
        this.values = values;
        this.shaped = new ShapedValues(values, problems);
        this.problems = problems;
        this.listeners = listeners;
    }

    List<FilterConfig> bind(List<Node> items) {
        List<FilterConfig> filters = new ArrayList<>();
        UniqueIds ids = new UniqueIds("filter", problems);
        for (int i = 0; i < items.size(); i++) {
            int position = i + 1;
            Section.ofItem(items.get(i), problems, "a filter: a mapping with type and its settings")
                    .map(s -> filter(s, ids, position))
                    .ifPresent(filters::add);
        }
        return filters;
    }

    /** The filter, or null when it has an error (reported). */
    private FilterConfig filter(Section s, UniqueIds ids, int position) {
        String name = s.required("type", values.oneOf(Registry.filterNames(), "filter type"));
        Optional<String> written = s.optional("id", values::id);
        String id = written.orElse(name == null ? null : name + "_" + position);
        ids.add(id, s.node("id").or(() -> s.node("type")));
        Optional<Condition> when = s.optional("when", shaped::condition);
        if (name == null) {
            return null; // its keys cannot be checked without knowing its type
        }
        FilterType<?> type = Registry.filter(name).orElseThrow();
        TypeSettings settings = new TypeSettings(s, values, problems, listeners);
        FilterConfig filter = type.bind(settings, new FilterCommon(id, when));
        settings.done();
        return filter;
    }
}
