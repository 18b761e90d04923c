package dev.gapless.config.load.internal;

import dev.gapless.config.FieldPath;
import dev.gapless.config.condition.Condition;
import dev.gapless.config.condition.ConditionSyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The conversions of values with a shape of their own (conditions, regular expressions, maps and lists of paths),
 * for filters and routing. Each element of a map or list is checked and reported on its own, at its own line and
 * column; the scalars go through {@link Values}, so {@code ${VAR}} works in them as everywhere.
 */
final class ShapedValues {

    private final Values values;
    private final Problems problems;

    ShapedValues(Values values, Problems problems) {
        this.values = values;
        this.problems = problems;
    }

    /** A {@code when:} condition; a syntax error names the character, counted from 1. */
    Condition condition(Node node) throws Invalid {
        String text = values.string(node);
        try {
            return Condition.parse(text);
        } catch (ConditionSyntaxException e) {
            throw new Invalid("invalid condition at character " + (e.index() + 1) + ": " + e.getMessage()
                    + " (in '" + text + "')");
        }
    }

    /** A Java regular expression, compiled. */
    Pattern regex(Node node) throws Invalid {
        String text = values.nonEmpty(node);
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new Invalid("invalid regular expression: " + e.getDescription() + " near index " + e.getIndex()
                    + " (in '" + text + "')");
        }
    }

    /** One string or a list of them, as a list. */
    List<String> strings(Node node) throws Invalid {
        if (node instanceof Node.Sequence) {
            List<String> out = values.stringList(node);
            if (out.isEmpty()) {
                throw new Invalid("expected a string or a non-empty list of strings, got an empty list");
            }
            return out;
        }
        return List.of(values.nonEmpty(node));
    }

    /** A mapping of names to strings (written in file order); each bad entry is reported on its own. */
    Map<String, String> stringMap(Node node) throws Invalid {
        Map<String, String> out = new LinkedHashMap<>();
        for (Node.Entry entry : entries(node, "a mapping of names to values")) {
            try {
                out.put(entry.key(), values.string(entry.value()));
            } catch (Invalid e) {
                problems.add(entry.value(), e.getMessage());
            }
        }
        return out;
    }

    /** A mapping of field paths to strings; a bad path is reported at its key, a bad value at the value. */
    Map<FieldPath, String> fieldPathMap(Node node) throws Invalid {
        Map<FieldPath, String> out = new LinkedHashMap<>();
        for (Node.Entry entry : entries(node, "a mapping of field paths to values")) {
            FieldPath path;
            try {
                path = FieldPath.parse(entry.key());
            } catch (IllegalArgumentException e) {
                problems.add(entry.keyMark(), entry.value().path(), "'" + entry.key() + "' is not a field path such as"
                        + " fields.user or fields.\"a.b\": " + e.getMessage());
                continue;
            }
            try {
                out.put(path, values.string(entry.value()));
            } catch (Invalid e) {
                problems.add(entry.value(), e.getMessage());
            }
        }
        return out;
    }

    /** A list of field paths; each bad one reported on its own. */
    List<FieldPath> fieldPathList(Node node) throws Invalid {
        List<FieldPath> out = new ArrayList<>();
        for (Node item : items(node, "a list of field paths, such as [fields.a, fields.b]")) {
            try {
                out.add(values.fieldPath(item));
            } catch (Invalid e) {
                problems.add(item, e.getMessage());
            }
        }
        return out;
    }

    /** A list of paths, each made absolute against the config file's folder. */
    List<Path> pathList(Node node) throws Invalid {
        List<Path> out = new ArrayList<>();
        for (Node item : items(node, "a list of file paths")) {
            try {
                out.add(values.path(item));
            } catch (Invalid e) {
                problems.add(item, e.getMessage());
            }
        }
        return out;
    }

    private static Iterable<Node.Entry> entries(Node node, String expected) throws Invalid {
        if (node instanceof Node.Scalar s && s.kind() == Node.Kind.NULL) {
            return List.of();
        }
        if (!(node instanceof Node.Mapping mapping)) {
            throw new Invalid("expected " + expected + ", got " + node.describe());
        }
        return mapping.entries().values();
    }

    private static List<Node> items(Node node, String expected) throws Invalid {
        if (node instanceof Node.Scalar s && s.kind() == Node.Kind.NULL) {
            return List.of();
        }
        if (!(node instanceof Node.Sequence seq)) {
            throw new Invalid("expected " + expected + ", got " + node.describe());
        }
        return seq.items();
    }
}
