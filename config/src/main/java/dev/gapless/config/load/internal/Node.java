package dev.gapless.config.load.internal;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * A YAML value together with where it was written and its key path ({@code outputs[1].url}), so that
 * every error can point at the text. Built by {@link YamlTree}; typed only as far as YAML itself types
 * a plain scalar, the rest is up to the binders.
 */
sealed interface Node permits Node.Mapping, Node.Sequence, Node.Scalar {

    /** Where the node begins: 1-based line and column. */
    Mark mark();

    /** The key path from the document root; empty for the root. */
    String path();

    /** How the node reads after "got" in an error message. */
    String describe();

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }

    /** A 1-based position in the file; 0 when unknown. */
    record Mark(int line, int column) {
    }

    /** One key of a mapping, with where the key itself was written. */
    record Entry(String key, Mark keyMark, Node value) {
    }

    /** A YAML mapping; keys unique, in file order. */
    record Mapping(Mark mark, String path, Map<String, Entry> entries) implements Node {
        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** A YAML sequence. */
    record Sequence(Mark mark, String path, List<Node> items) implements Node {
        @Override
        public String describe() {
            return "a list";
        }
    }

    /**
     * A YAML scalar as written (before {@code ${VAR}} substitution).
     *
     * @param integer the value when {@code kind} is {@link Kind#INTEGER}, else null
     */
    record Scalar(Mark mark, String path, Kind kind, String text, BigInteger integer) implements Node {
        @Override
        public String describe() {
            return switch (kind) {
                case NULL -> "nothing (null)";
                case INTEGER, FLOAT -> "the number " + text;
                case BOOLEAN -> "the boolean " + text;
                case STRING -> "'" + text + "'";
            };
        }
    }

    /** What YAML made of a scalar: quoted scalars are always strings. */
    enum Kind {
        STRING,
        INTEGER,
        FLOAT,
        BOOLEAN,
        NULL
    }
}
