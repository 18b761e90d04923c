package dev.gapless.config.filter.mutate;

import dev.gapless.config.FieldPath;
import dev.gapless.config.FilterConfig;
import dev.gapless.config.condition.Condition;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Changes fields and the message, operation after operation, always in this order: {@code rename}, {@code copy},
 * {@code set}, {@code add}, {@code remove}, {@code convert}, {@code lowercase}, {@code uppercase}, {@code strip},
 * {@code split}, {@code join}. Each map keeps the order written.
 *
 * @param rename    from path to path: the value moves
 * @param copy      from path to path: a deep copy
 * @param set       path to template: always written
 * @param add       path to template: written only where nothing is
 * @param remove    paths removed
 * @param convert   path to the type its value becomes
 * @param lowercase paths whose text is lower-cased
 * @param uppercase paths whose text is upper-cased
 * @param strip     paths whose text loses its leading and trailing white space
 * @param split     path to separator: text becomes a list
 * @param join      path to separator: a list becomes text
 */
public record MutateFilterConfig(String id, Optional<Condition> when, Map<FieldPath, FieldPath> rename,
                                 Map<FieldPath, FieldPath> copy, Map<FieldPath, MutateTemplate> set,
                                 Map<FieldPath, MutateTemplate> add, List<FieldPath> remove,
                                 Map<FieldPath, Conversion> convert, List<FieldPath> lowercase,
                                 List<FieldPath> uppercase, List<FieldPath> strip, Map<FieldPath, String> split,
                                 Map<FieldPath, String> join) implements FilterConfig {

    /** What {@code convert} turns a value into. */
    public enum Conversion { INTEGER, FLOAT, STRING, BOOLEAN }

    public MutateFilterConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(when, "when");
        // Map.copyOf would lose the order written: the maps are built ordered and unmodifiable by the type.
        remove = List.copyOf(remove);
        lowercase = List.copyOf(lowercase);
        uppercase = List.copyOf(uppercase);
        strip = List.copyOf(strip);
    }

    @Override
    public String type() {
        return MutateFilterType.NAME;
    }
}
