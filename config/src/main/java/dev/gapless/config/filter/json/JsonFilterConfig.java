package dev.gapless.config.filter.json;

import dev.gapless.config.FieldPath;
import dev.gapless.config.FilterConfig;
import dev.gapless.config.condition.Condition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Parses the JSON text held at {@code field} into the event's fields.
 *
 * @param field        where the JSON text is read ({@code message} by default)
 * @param target       where a parsed object's keys are merged ({@code fields} or a path under it)
 * @param tagOnFailure the tags an event whose text is no JSON gets
 * @param removeField  whether {@code field} is removed once it parsed
 */
public record JsonFilterConfig(String id, Optional<Condition> when, FieldPath field, FieldPath target,
                               List<String> tagOnFailure, boolean removeField) implements FilterConfig {

    public JsonFilterConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(target, "target");
        tagOnFailure = List.copyOf(tagOnFailure);
    }

    @Override
    public String type() {
        return JsonFilterType.NAME;
    }
}
