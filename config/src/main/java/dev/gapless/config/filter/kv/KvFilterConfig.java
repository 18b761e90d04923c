package dev.gapless.config.filter.kv;

import dev.gapless.config.FieldPath;
import dev.gapless.config.FilterConfig;
import dev.gapless.config.condition.Condition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Splits {@code key=value} pairs out of text into the event's fields.
 *
 * @param field        where the text is read ({@code message} by default)
 * @param target       the map the pairs are put in ({@code fields} or a path under it)
 * @param fieldSplit   the characters that separate pairs (any one of them), not empty
 * @param valueSplit   the characters that separate a key from its value (any one of them), not empty
 * @param includeKeys  the only keys kept, when not empty
 * @param excludeKeys  keys dropped
 * @param prefix       put before every key written
 * @param tagOnFailure the tags an event with no pair gets
 */
public record KvFilterConfig(String id, Optional<Condition> when, FieldPath field, FieldPath target,
                             String fieldSplit, String valueSplit, List<String> includeKeys,
                             List<String> excludeKeys, String prefix, List<String> tagOnFailure)
        implements FilterConfig {

    public KvFilterConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(fieldSplit, "fieldSplit");
        Objects.requireNonNull(valueSplit, "valueSplit");
        Objects.requireNonNull(prefix, "prefix");
        includeKeys = List.copyOf(includeKeys);
        excludeKeys = List.copyOf(excludeKeys);
        tagOnFailure = List.copyOf(tagOnFailure);
    }

    @Override
    public String type() {
        return KvFilterType.NAME;
    }
}
