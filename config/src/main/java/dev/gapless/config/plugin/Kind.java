package dev.gapless.config.plugin;

import dev.gapless.config.ByteSize;
import dev.gapless.config.FieldPath;
import dev.gapless.config.HostPort;
import dev.gapless.config.condition.Condition;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What one setting of a type's section holds, and so how its YAML value is checked: the loader converts it, with
 * {@code ${VAR}} substituted, and reports a bad value at the value with what was expected. The kinds are the
 * loader's own (units required on sizes and durations, paths made absolute against the config file, listen
 * addresses checked for clashes); a type picks among them and never parses YAML itself.
 *
 * @param <T> the Java type the value binds to
 */
public final class Kind<T> {

    /** The conversions the loader implements; {@link #form()} says which one a kind is. */
    public enum Form {
        STRING,
        NON_EMPTY_STRING,
        INTEGER,
        DURATION,
        POSITIVE_DURATION,
        SIZE,
        POSITIVE_SIZE,
        LISTEN_ADDRESS,
        CONNECT_ADDRESS,
        CONNECT_ADDRESS_LIST,
        HTTP_URL,
        PATH,
        HEADERS,
        STRING_LIST,
        BOOLEAN,
        ENUM,
        FIELD_PATH,
        CONDITION,
        REGEX,
        STRINGS,
        STRING_MAP,
        FIELD_PATH_MAP,
        FIELD_PATH_LIST,
        PATH_LIST
    }

    public static final Kind<String> STRING = new Kind<>(Form.STRING, 0, 0, null);
    public static final Kind<String> NON_EMPTY_STRING = new Kind<>(Form.NON_EMPTY_STRING, 0, 0, null);
    /** A duration with its unit ({@code 5s}, {@code 250ms}); zero allowed. */
    public static final Kind<Duration> DURATION = new Kind<>(Form.DURATION, 0, 0, null);
    public static final Kind<Duration> POSITIVE_DURATION = new Kind<>(Form.POSITIVE_DURATION, 0, 0, null);
    /** A size with its unit ({@code 64MiB}); zero allowed. */
    public static final Kind<ByteSize> SIZE = new Kind<>(Form.SIZE, 0, 0, null);
    public static final Kind<ByteSize> POSITIVE_SIZE = new Kind<>(Form.POSITIVE_SIZE, 0, 0, null);
    /** An address to bind, host:port (port 0: any free one); checked against every other listener's. */
    public static final Kind<HostPort> LISTEN_ADDRESS = new Kind<>(Form.LISTEN_ADDRESS, 0, 0, null);
    /** An address to connect to, host:port with a port from 1 to 65535. */
    public static final Kind<HostPort> CONNECT_ADDRESS = new Kind<>(Form.CONNECT_ADDRESS, 0, 0, null);
    /** A non-empty list of addresses to connect to, each checked (and any error located) on its own. */
    public static final Kind<List<HostPort>> CONNECT_ADDRESS_LIST = new Kind<>(Form.CONNECT_ADDRESS_LIST, 0, 0, null);
    /** An http or https URL with a host and no credentials in it. */
    public static final Kind<URI> HTTP_URL = new Kind<>(Form.HTTP_URL, 0, 0, null);
    /** A path, made absolute against the config file's directory. */
    public static final Kind<Path> PATH = new Kind<>(Form.PATH, 0, 0, null);
    /** HTTP header names to values, each entry checked on its own. */
    public static final Kind<Map<String, String>> HEADERS = new Kind<>(Form.HEADERS, 0, 0, null);
    public static final Kind<List<String>> STRING_LIST = new Kind<>(Form.STRING_LIST, 0, 0, null);
    /** {@code true} or {@code false}, unquoted (or from a variable). */
    public static final Kind<Boolean> BOOLEAN = new Kind<>(Form.BOOLEAN, 0, 0, null);
    /** A path into the envelope: {@code fields.user.id}, {@code fields."a.b"}. */
    public static final Kind<FieldPath> FIELD_PATH = new Kind<>(Form.FIELD_PATH, 0, 0, null);

    /** A {@code when:} condition, parsed (README, "Conditions"). */
    public static final Kind<Condition> CONDITION = new Kind<>(Form.CONDITION, 0, 0, null);
    /** A Java regular expression, compiled when the config loads. */
    public static final Kind<Pattern> REGEX = new Kind<>(Form.REGEX, 0, 0, null);
    /** One non-empty string or a non-empty list of them ({@code pattern: X} or {@code pattern: [X, Y]}). */
    public static final Kind<List<String>> STRINGS = new Kind<>(Form.STRINGS, 0, 0, null);
    /** A mapping of names to strings, in file order. */
    public static final Kind<Map<String, String>> STRING_MAP = new Kind<>(Form.STRING_MAP, 0, 0, null);
    /** A mapping of field paths to strings, in file order ({@code rename: {fields.a: fields.b}}). */
    public static final Kind<Map<FieldPath, String>> FIELD_PATH_MAP = new Kind<>(Form.FIELD_PATH_MAP, 0, 0, null);
    /** A list of field paths. */
    public static final Kind<List<FieldPath>> FIELD_PATH_LIST = new Kind<>(Form.FIELD_PATH_LIST, 0, 0, null);
    /** A list of paths, each made absolute against the config file's directory. */
    public static final Kind<List<Path>> PATH_LIST = new Kind<>(Form.PATH_LIST, 0, 0, null);

    private final Form form;
    private final int min;
    private final int max;
    private final Class<?> enumType;

    private Kind(Form form, int min, int max, Class<?> enumType) {
        this.form = form;
        this.min = min;
        this.max = max;
        this.enumType = enumType;
    }

    /** A whole number from {@code min} to {@code max}. */
    public static Kind<Integer> integer(int min, int max) {
        return new Kind<>(Form.INTEGER, min, max, null);
    }

    /** One of an enum's constants, written in lower case ({@code start_at: end}). */
    public static <E extends Enum<E>> Kind<E> oneOf(Class<E> type) {
        return new Kind<>(Form.ENUM, 0, 0, Objects.requireNonNull(type, "type"));
    }

    public Form form() {
        return form;
    }

    /** For {@link Form#INTEGER}. */
    public int min() {
        return min;
    }

    /** For {@link Form#INTEGER}. */
    public int max() {
        return max;
    }

    /** For {@link Form#ENUM}. */
    public Class<?> enumType() {
        return enumType;
    }
}
