package dev.gapless.config.load.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One YAML mapping being bound to a record. It hands out values by key, reporting each bad value at
 * the value and each missing required key at this mapping, and remembers the keys asked for: those
 * are the valid keys here, so {@link #done()} reports every other key as unknown, with a suggestion
 * among them. A key list written once more by hand could drift from what is read; this cannot.
 */
final class Section {

    private final Node.Mapping mapping;
    private final Problems problems;
    private final Set<String> asked = new LinkedHashSet<>();

    private Section(Node.Mapping mapping, Problems problems) {
        this.mapping = mapping;
        this.problems = problems;
    }

    /**
     * A section over {@code node}. Null reads as an empty mapping (a key whose settings are all
     * commented out); any other non-mapping is reported, and reads as an empty mapping so that its
     * settings take their defaults while the error stands.
     */
    static Section of(Node node, Problems problems, String what) {
        if (node instanceof Node.Mapping m) {
            return new Section(m, problems);
        }
        if (!(node instanceof Node.Scalar s && s.kind() == Node.Kind.NULL)) {
            problems.add(node, "expected " + what + ", got " + node.describe());
        }
        return new Section(new Node.Mapping(node.mark(), node.path(), Map.of()), problems);
    }

    /** A section over a list item, or empty when the item is no mapping (reported). */
    static Optional<Section> ofItem(Node item, Problems problems, String what) {
        if (item instanceof Node.Mapping m) {
            return Optional.of(new Section(m, problems));
        }
        problems.add(item, "expected " + what + ", got " + item.describe());
        return Optional.empty();
    }

    Node.Mapping mapping() {
        return mapping;
    }

    /** The value under {@code key}, if written. */
    Optional<Node> node(String key) {
        asked.add(key);
        Node.Entry entry = mapping.entries().get(key);
        return entry == null ? Optional.empty() : Optional.of(entry.value());
    }

    /** The value under {@code key}; {@code fallback} when absent or invalid. */
    <T> T get(String key, Conversion<T> conversion, T fallback) {
        return optional(key, conversion).orElse(fallback);
    }

    /** The value under {@code key}; empty when absent or invalid. */
    <T> Optional<T> optional(String key, Conversion<T> conversion) {
        return node(key).flatMap(n -> convert(n, conversion));
    }

    /** The value under {@code key}; null when missing or invalid, either of which is reported. */
    <T> T required(String key, Conversion<T> conversion) {
        Optional<Node> node = node(key);
        if (node.isEmpty()) {
            problems.add(mapping.mark(), Node.child(mapping.path(), key), "missing required key '" + key + "'");
            return null;
        }
        return convert(node.get(), conversion).orElse(null);
    }

    /** The mapping under {@code key}; an empty one when absent. */
    Section section(String key, String what) {
        asked.add(key);
        Node.Entry entry = mapping.entries().get(key);
        if (entry == null) {
            return new Section(new Node.Mapping(mapping.mark(), Node.child(mapping.path(), key), Map.of()), problems);
        }
        return of(entry.value(), problems, what);
    }

    /** The items of the list under {@code key}; none when absent, null or not a list (reported). */
    List<Node> list(String key, String what) {
        Optional<Node> node = node(key);
        if (node.isEmpty() || node.get() instanceof Node.Scalar s && s.kind() == Node.Kind.NULL) {
            return List.of();
        }
        if (node.get() instanceof Node.Sequence seq) {
            return seq.items();
        }
        problems.add(node.get(), "expected " + what + ", got " + node.get().describe());
        return List.of();
    }

    /** Reports every key that no one asked for. */
    void done() {
        for (Node.Entry entry : mapping.entries().values()) {
            if (!asked.contains(entry.key())) {
                String hint = Suggestions.hint(entry.key(), asked);
                problems.add(entry.keyMark(), Node.child(mapping.path(), entry.key()),
                        "unknown key '" + entry.key() + "'"
                                + (hint.isEmpty() ? "; valid keys here: " + String.join(", ", asked) : hint));
            }
        }
    }

    private <T> Optional<T> convert(Node node, Conversion<T> conversion) {
        try {
            return Optional.of(conversion.convert(node));
        } catch (Invalid e) {
            problems.add(node, e.getMessage());
            return Optional.empty();
        }
    }
}
