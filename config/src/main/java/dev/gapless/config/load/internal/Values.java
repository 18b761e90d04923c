package dev.gapless.config.load.internal;

import dev.gapless.config.ByteSize;
import dev.gapless.config.Durations;
import dev.gapless.config.FieldPath;
import dev.gapless.config.HostPort;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The scalar types of the YAML model: each conversion takes a node, substitutes {@code ${VAR}} in it,
 * and returns a typed value or throws {@link Invalid} with what was expected and what was found.
 * Typing follows YAML's own: a quoted {@code "5"} is a string, not a number, unless it came from a
 * variable. A bare number where a size or duration is expected is refused: the unit must be written.
 */
final class Values {

    /**
     * Ids name files ({@code cursors/<id>.cursor}), so only characters safe in a file name, and not a
     * leading '.' or '-': {@code .} and {@code ..} name directories, a dot file is hidden, and a leading
     * '-' reads as an option to the shell tools an operator points at those files.
     */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    /**
     * A longer id is refused at load. The longest file name made from an id,
     * {@code <id>.checkpoint.tmp}, then stays far below a file system's 255-byte name limit, and metric
     * labels and log lines stay readable.
     */
    private static final int MAX_ID_LENGTH = 64;
    /** Linux's {@code NAME_MAX}: a longer file name fails with "File name too long" when it is created. */
    private static final int MAX_NAME_BYTES = 255;
    /** Linux's {@code PATH_MAX} less its terminating NUL: a longer path fails when it is opened. */
    private static final int MAX_PATH_BYTES = 4095;
    /** Bytes kept free under {@code data_dir} for the paths the agent makes there (see {@link #dataDir}). */
    private static final int DATA_DIR_ROOM = 128;
    /** RFC 9110 token characters. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final Map<String, String> env;
    private final Path baseDir;
    private final Problems problems;

    /**
     * @param baseDir  relative paths resolve against it: the directory that holds the config file
     * @param problems where conversions of lists and mappings report their elements' errors
     */
    Values(Map<String, String> env, Path baseDir, Problems problems) {
        this.env = env;
        this.baseDir = baseDir;
        this.problems = problems;
    }

    /** {@code path} made absolute against the config file's directory. */
    Path resolve(Path path) {
        return baseDir.resolve(path).normalize();
    }

    /** A scalar's text after substitution, and whether a variable made it. */
    private record Text(String value, boolean substituted, String raw) {
        Invalid invalid(String message) {
            return new Invalid(substituted ? message + " (from '" + raw + "')" : message);
        }
    }

    private Text text(Node node, String expected) throws Invalid {
        if (!(node instanceof Node.Scalar scalar) || scalar.kind() == Node.Kind.NULL) {
            throw new Invalid("expected " + expected + ", got " + node.describe());
        }
        if (scalar.kind() != Node.Kind.STRING) {
            return new Text(scalar.text(), false, scalar.text());
        }
        EnvSubstitution.Result r = EnvSubstitution.apply(scalar.text(), env);
        return new Text(r.text(), r.substituted(), scalar.text());
    }

    private static boolean bareNumber(Node node) {
        return node instanceof Node.Scalar s && (s.kind() == Node.Kind.INTEGER || s.kind() == Node.Kind.FLOAT);
    }

    String string(Node node) throws Invalid {
        return text(node, "a string").value();
    }

    String nonEmpty(Node node) throws Invalid {
        Text t = text(node, "a non-empty string");
        if (t.value().isBlank()) {
            throw t.invalid("expected a non-empty string, got '" + t.value() + "'");
        }
        return t.value();
    }

    FieldPath fieldPath(Node node) throws Invalid {
        Text t = text(node, "a field path such as fields.user or fields.\"a.b\"");
        try {
            return FieldPath.parse(t.value());
        } catch (IllegalArgumentException e) {
            throw t.invalid("expected a field path such as fields.user or fields.\"a.b\", got '" + t.value()
                    + "': " + e.getMessage());
        }
    }

    String id(Node node) throws Invalid {
        String expected = "an id of letters, digits, '_', '.' and '-', not starting with '.' or '-' (it names files)";
        Text t = text(node, expected);
        String id = t.value();
        if (id.length() > MAX_ID_LENGTH) {
            throw t.invalid("expected an id of at most " + MAX_ID_LENGTH + " characters (it names files), got "
                    + id.length() + " characters: '" + abbreviate(id) + "'");
        }
        if (!ID.matcher(id).matches()) {
            throw t.invalid("expected " + expected + ", got '" + id + "'");
        }
        return id;
    }

    /** A long value cut for a message, so that a huge one does not flood the terminal. */
    private static String abbreviate(String value) {
        return value.length() <= 2 * MAX_ID_LENGTH ? value : value.substring(0, MAX_ID_LENGTH) + "…";
    }

    Conversion<Integer> integer(int min, int max) {
        String expected = max == Integer.MAX_VALUE
                ? "an integer of at least " + min
                : "an integer from " + min + " to " + max;
        return node -> {
            BigInteger value;
            if (node instanceof Node.Scalar s && s.kind() == Node.Kind.INTEGER) {
                value = s.integer();
            } else {
                Text t = text(node, expected);
                if (!t.substituted()) {
                    String hint = t.value().strip().matches("[+-]?\\d+")
                            ? " (a quoted number is a string: remove the quotes)"
                            : "";
                    throw new Invalid("expected " + expected + ", got " + node.describe() + hint);
                }
                try {
                    value = new BigInteger(t.value().strip());
                } catch (NumberFormatException e) {
                    throw t.invalid("expected " + expected + ", got '" + t.value() + "'");
                }
            }
            if (value.compareTo(BigInteger.valueOf(min)) < 0) {
                throw new Invalid("expected " + expected + ", got " + value);
            }
            if (value.compareTo(BigInteger.valueOf(max)) > 0) {
                throw new Invalid("expected " + expected + ", got " + value
                        + ", which is too large (at most " + max + ")");
            }
            return value.intValueExact();
        };
    }

    Duration duration(Node node) throws Invalid {
        Text t = text(node, "a duration with a unit, such as 500ms or 30s");
        try {
            return Durations.parse(t.value());
        } catch (IllegalArgumentException e) {
            throw t.invalid(bareNumber(node) ? e.getMessage() + ": a bare number has no unit" : e.getMessage());
        }
    }

    /** A duration above zero: an interval or a timeout of zero would spin or never wait. */
    Duration positiveDuration(Node node) throws Invalid {
        Duration d = duration(node);
        if (d.isZero()) {
            throw new Invalid("expected a duration above zero, got " + Durations.format(d));
        }
        return d;
    }

    ByteSize size(Node node) throws Invalid {
        Text t = text(node, "a size with a unit, such as 64MiB or 1GiB");
        try {
            return ByteSize.parse(t.value());
        } catch (IllegalArgumentException e) {
            throw t.invalid(bareNumber(node) ? e.getMessage() + ": a bare number has no unit" : e.getMessage());
        }
    }

    ByteSize positiveSize(Node node) throws Invalid {
        ByteSize s = size(node);
        if (s.bytes() == 0) {
            throw new Invalid("expected a size above zero, got " + s);
        }
        return s;
    }

    /** An address to bind; port 0 asks the OS for a free port. */
    HostPort listenAddress(Node node) throws Invalid {
        Text t = text(node, "an address host:port, such as 127.0.0.1:5170 or \"[::1]:5170\"");
        try {
            return HostPort.parse(t.value());
        } catch (IllegalArgumentException e) {
            throw t.invalid(e.getMessage());
        }
    }

    /** An address to connect to: port 0 cannot be reached. */
    HostPort connectAddress(Node node) throws Invalid {
        HostPort address = listenAddress(node);
        if (address.port() == 0) {
            throw new Invalid("expected a port from 1 to 65535 (port 0 is only for listening), got '" + address + "'");
        }
        return address;
    }

    /** A non-empty list of addresses to connect to; each bad element is reported on its own. */
    List<HostPort> connectAddressList(Node node) throws Invalid {
        String expected = "a list of addresses host:port, such as [127.0.0.1:9092]";
        if (!(node instanceof Node.Sequence seq)) {
            throw new Invalid("expected " + expected + ", got " + node.describe());
        }
        if (seq.items().isEmpty()) {
            throw new Invalid("expected " + expected + ", got an empty list");
        }
        List<HostPort> out = new ArrayList<>();
        for (Node item : seq.items()) {
            try {
                out.add(connectAddress(item));
            } catch (Invalid e) {
                problems.add(item, e.getMessage());
            }
        }
        return out;
    }

    /** {@code true} or {@code false}: a YAML boolean, or a variable's text. A quoted "true" is a string. */
    Boolean bool(Node node) throws Invalid {
        if (node instanceof Node.Scalar s && s.kind() == Node.Kind.BOOLEAN) {
            String v = s.text().toLowerCase(Locale.ROOT); // YAML 1.1 also reads yes/no and on/off as booleans
            return v.equals("true") || v.equals("yes") || v.equals("on");
        }
        Text t = text(node, "true or false");
        if (t.substituted() && (t.value().equals("true") || t.value().equals("false"))) {
            return Boolean.parseBoolean(t.value());
        }
        throw t.invalid("expected true or false, got " + node.describe());
    }

    URI httpUrl(Node node) throws Invalid {
        String expected = "an http or https URL, such as https://logs.example.com/ingest";
        Text t = text(node, expected);
        URI uri;
        try {
            uri = new URI(t.value().strip());
        } catch (URISyntaxException e) {
            throw t.invalid("expected " + expected + ", got '" + t.value() + "': " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw t.invalid("expected " + expected + ", got '" + t.value() + "'");
        }
        if (uri.getHost() == null) {
            throw t.invalid("expected " + expected + " with a valid host name, got '" + t.value() + "'");
        }
        if (uri.getRawUserInfo() != null) {
            // user:password@ would be shown in /health and logs, and is not sent as authentication
            throw t.invalid("credentials in the URL are not used and would be shown in /health and logs; "
                    + "put them in headers (e.g. Authorization: \"Basic ${CREDENTIALS}\")");
        }
        return uri;
    }

    /** A path, made absolute against the config file's directory. */
    Path path(Node node) throws Invalid {
        return path(node, MAX_PATH_BYTES);
    }

    /**
     * {@code data_dir}: a path with room under it for the longest path the agent makes there,
     * {@code journal/<20-digit seq>/metadata.cq4t} or {@code inputs/<id>.checkpoint.tmp} with the longest
     * id (under {@value #DATA_DIR_ROOM} bytes).
     */
    Path dataDir(Node node) throws Invalid {
        return path(node, MAX_PATH_BYTES - DATA_DIR_ROOM);
    }

    private Path path(Node node, int maxBytes) throws Invalid {
        Text t = text(node, "a path");
        String s = t.value();
        if (s.isBlank()) {
            throw t.invalid("expected a path, got an empty string");
        }
        if (s.startsWith("~")) {
            throw t.invalid("'~' is not expanded in paths: write the full path, got '" + s + "'");
        }
        Path path;
        try {
            path = resolve(Path.of(s));
        } catch (InvalidPathException e) {
            throw t.invalid("expected a path, got '" + s + "': " + e.getReason());
        }
        return fitsOnDisk(path, t, maxBytes);
    }

    /**
     * {@code path} if the file system can create it: every name in it at most {@value #MAX_NAME_BYTES}
     * bytes, and the whole at most {@code maxBytes}, so that a path which cannot work is a config
     * error rather than a failure at run time.
     */
    private static Path fitsOnDisk(Path path, Text t, int maxBytes) throws Invalid {
        for (Path name : path) {
            int bytes = name.toString().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_NAME_BYTES) {
                throw t.invalid("a name in this path is " + bytes + " bytes long, over the file system's limit of "
                        + MAX_NAME_BYTES + ": '" + abbreviate(name.toString()) + "'");
            }
        }
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            throw t.invalid("the path is " + bytes + " bytes long once absolute, over the limit of " + maxBytes
                    + (maxBytes < MAX_PATH_BYTES ? " (the file system's " + MAX_PATH_BYTES
                            + " less room for the files made under it)" : "")
                    + ": '" + abbreviate(path.toString()) + "'");
        }
        return path;
    }

    /** One of an enum's constants, written in lower case: {@code drop_oldest} for {@code DROP_OLDEST}. */
    <E extends Enum<E>> Conversion<E> oneOf(Class<E> type) {
        Map<String, E> byName = new LinkedHashMap<>();
        for (E e : type.getEnumConstants()) {
            byName.put(e.name().toLowerCase(Locale.ROOT), e);
        }
        String names = String.join(", ", byName.keySet());
        return node -> {
            Text t = text(node, "one of " + names);
            E e = byName.get(t.value());
            if (e == null) {
                throw t.invalid("expected one of " + names + ", got '" + t.value() + "'"
                        + Suggestions.hint(t.value(), byName.keySet()));
            }
            return e;
        };
    }

    /** One of {@code known}, such as a {@code type}; {@code what} names it in the message. */
    Conversion<String> oneOf(List<String> known, String what) {
        return node -> {
            Text t = text(node, what + " (" + String.join(", ", known) + ")");
            if (!known.contains(t.value())) {
                throw t.invalid("unknown " + what + " '" + t.value() + "'" + Suggestions.hint(t.value(), known)
                        + "; known: " + String.join(", ", known));
            }
            return t.value();
        };
    }

    /** A list of non-empty strings; each bad element is reported on its own. */
    List<String> stringList(Node node) throws Invalid {
        if (node instanceof Node.Scalar s && s.kind() == Node.Kind.NULL) {
            return List.of();
        }
        if (!(node instanceof Node.Sequence seq)) {
            throw new Invalid("expected a list of strings, such as [/usr/bin/gapless, agent], got " + node.describe());
        }
        List<String> out = new ArrayList<>();
        for (Node item : seq.items()) {
            try {
                out.add(nonEmpty(item));
            } catch (Invalid e) {
                problems.add(item, e.getMessage());
            }
        }
        return out;
    }

    /** HTTP headers, name to value; each bad entry is reported on its own. */
    Map<String, String> headers(Node node) throws Invalid {
        if (node instanceof Node.Scalar s && s.kind() == Node.Kind.NULL) {
            return Map.of();
        }
        if (!(node instanceof Node.Mapping mapping)) {
            throw new Invalid("expected a mapping of header names to values, got " + node.describe());
        }
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> lowerCase = new HashMap<>();
        for (Node.Entry entry : mapping.entries().values()) {
            String name = entry.key();
            String earlier = lowerCase.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
            if (!HEADER_NAME.matcher(name).matches()) {
                problems.add(entry.keyMark(), entry.value().path(), "'" + name + "' is not a valid HTTP header name");
            } else if (earlier != null) {
                problems.add(entry.keyMark(), entry.value().path(),
                        "header '" + name + "' repeats '" + earlier + "' (header names ignore case)");
            }
            try {
                String value = string(entry.value());
                if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    throw new Invalid("a header value cannot hold a line break");
                }
                out.put(name, value);
            } catch (Invalid e) {
                problems.add(entry.value(), e.getMessage());
            }
        }
        return out;
    }
}
