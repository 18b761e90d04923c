package dev.gapless.config.load.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads YAML text into a tree of located {@link Node}s with Jackson's streaming parser, which gives the
 * line and column of every token (databind's tree would lose them). Reports what only the text shows:
 * syntax errors, duplicate keys (Jackson keeps the last silently), aliases and a second document. A
 * syntax error ends the reading, since nothing after it can be trusted; the other problems do not.
 */
final class YamlTree {

    /** An empty plain value ({@code key:}) is null in YAML; without this feature Jackson reads it as "". */
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();

    private final YAMLParser parser;
    private final Problems problems;

    private YamlTree(YAMLParser parser, Problems problems) {
        this.parser = parser;
        this.problems = problems;
    }

    /** The document's root, or empty when there is none to bind (the reason is in {@code problems}). */
    static Optional<Node> read(String text, Problems problems) {
        YAMLParser parser;
        try {
            parser = FACTORY.createParser(text);
        } catch (IOException e) {
            throw new UncheckedIOException("reading YAML from a string", e);
        }
        try (parser) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                problems.add(new Node.Mark(1, 1), "", "the file is empty: expected a mapping of settings");
                return Optional.empty();
            }
            Node root = new YamlTree(parser, problems).value(first, "");
            if (parser.nextToken() != null) {
                problems.add(mark(parser.currentTokenLocation()), "",
                        "a second YAML document ('---') was found: a config file holds exactly one");
            }
            return Optional.ofNullable(root);
        } catch (StreamConstraintsException e) {
            // carries no location: the token that went one level too deep is the parser's current one
            problems.add(mark(parser.currentTokenLocation()), "", "the YAML nests deeper than "
                    + FACTORY.streamReadConstraints().getMaxNestingDepth()
                    + " levels of mappings and lists; a config needs a few");
            return Optional.empty();
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            problems.add(at == null ? mark(parser.currentLocation()) : mark(at), "",
                    "YAML syntax error: " + summary(e.getOriginalMessage()));
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("reading YAML from a string", e);
        }
    }

    /** The node starting at {@code token}, or null for an alias (reported here). */
    private Node value(JsonToken token, String path) throws IOException {
        Node.Mark mark = mark(parser.currentTokenLocation());
        return switch (token) {
            case START_OBJECT -> mapping(mark, path);
            case START_ARRAY -> sequence(mark, path);
            case VALUE_NUMBER_INT -> new Node.Scalar(mark, path, Node.Kind.INTEGER, parser.getText(),
                    parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> scalar(mark, path, Node.Kind.FLOAT);
            case VALUE_TRUE, VALUE_FALSE -> scalar(mark, path, Node.Kind.BOOLEAN);
            case VALUE_NULL -> scalar(mark, path, Node.Kind.NULL);
            case VALUE_STRING, VALUE_EMBEDDED_OBJECT -> {
                if (parser.isCurrentAlias()) {
                    problems.add(mark, path,
                            "YAML aliases (*" + parser.getText() + ") are not supported: write the value out");
                    yield null;
                }
                yield scalar(mark, path, Node.Kind.STRING);
            }
            default -> throw new IllegalStateException("unexpected YAML token " + token + " at " + mark);
        };
    }

    private Node.Scalar scalar(Node.Mark mark, String path, Node.Kind kind) throws IOException {
        return new Node.Scalar(mark, path, kind, parser.getText(), null);
    }

    private Node.Mapping mapping(Node.Mark mark, String path) throws IOException {
        Map<String, Node.Entry> entries = new LinkedHashMap<>();
        Map<String, Node.Mark> seen = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            Node.Mark keyMark = mark(parser.currentTokenLocation());
            String childPath = Node.child(path, key);
            Node child = value(parser.nextToken(), childPath);
            Node.Mark first = seen.putIfAbsent(key, keyMark);
            if (first != null) {
                problems.add(keyMark, childPath, "duplicate key '" + key + "' (first at line " + first.line() + ")");
            } else if (child != null) {
                entries.put(key, new Node.Entry(key, keyMark, child));
            }
        }
        return new Node.Mapping(mark, path, entries);
    }

    private Node.Sequence sequence(Node.Mark mark, String path) throws IOException {
        List<Node> items = new ArrayList<>();
        JsonToken token;
        int index = 0;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            Node item = value(token, Node.index(path, index++));
            if (item != null) {
                items.add(item);
            }
        }
        return new Node.Sequence(mark, path, items);
    }

    private static Node.Mark mark(JsonLocation at) {
        return new Node.Mark(Math.max(at.getLineNr(), 0), Math.max(at.getColumnNr(), 0));
    }

    /**
     * SnakeYAML's message repeats the position and quotes the line with a caret; the error already
     * carries the position, so keep only the sentences ("mapping values are not allowed here").
     */
    static String summary(String message) {
        if (message == null) {
            return "unreadable YAML";
        }
        List<String> sentences = new ArrayList<>();
        for (String line : message.split("\\R")) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                sentences.add(line.strip());
            }
        }
        return sentences.isEmpty() ? message.strip() : String.join("; ", sentences);
    }
}
