package dev.gapless.config.load.internal;

import dev.gapless.config.HostPort;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A type's view of its section: each {@link Kind} converted by the loader's {@link Values}, errors located as for
 * every other section, and listen addresses registered against clashes.
 */
final class TypeSettings implements Settings {

    private final Section section;
    private final Values values;
    private final Problems problems;
    private final Listeners listeners;
    private final ShapedValues shaped;
    private final boolean written;
    // Sections under this one: their unknown keys are reported when this one is done. Bounded by the YAML.
    private final List<TypeSettings> children = new ArrayList<>();

    TypeSettings(Section section, Values values, Problems problems, Listeners listeners) {
        this(section, values, problems, listeners, true);
    }

    private TypeSettings(Section section, Values values, Problems problems, Listeners listeners, boolean written) {
        this.written = written;
        this.section = section;
        this.values = values;
        this.problems = problems;
        this.listeners = listeners;
        this.shaped = new ShapedValues(values, problems);
    }

    @Override
    public <T> T required(String key, Kind<T> kind) {
        return listened(key, kind, section.required(key, conversion(kind)));
    }

    @Override
    public <T> T get(String key, Kind<T> kind, T fallback) {
        return listened(key, kind, section.get(key, conversion(kind), fallback));
    }

    @Override
    public <T> Optional<T> optional(String key, Kind<T> kind) {
        Optional<T> value = section.optional(key, conversion(kind));
        value.ifPresent(v -> listened(key, kind, v));
        return value;
    }

    @Override
    public Settings section(String key, String what) {
        boolean present = section.node(key).isPresent();
        TypeSettings inner = new TypeSettings(section.section(key, what), values, problems, listeners, present);
        children.add(inner);
        return inner;
    }

    @Override
    public boolean written() {
        return written;
    }

    @Override
    public void problem(String message, String... keys) {
        for (String key : keys) {
            Optional<Node> at = section.node(key);
            if (at.isPresent()) {
                problems.add(at.get(), message);
                return;
            }
        }
        problems.add(section.mapping(), message);
    }

    /** Reports the keys no one asked for. */
    void done() {
        children.forEach(TypeSettings::done);
        section.done();
    }

    private <T> T listened(String key, Kind<T> kind, T value) {
        if (kind.form() == Kind.Form.LISTEN_ADDRESS && value != null) {
            listeners.add((HostPort) value, Node.child(section.mapping().path(), key), section.node(key));
        }
        return value;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T> Conversion<T> conversion(Kind<T> kind) {
        Conversion<?> c = switch (kind.form()) {
            case STRING -> values::string;
            case NON_EMPTY_STRING -> values::nonEmpty;
            case INTEGER -> values.integer(kind.min(), kind.max());
            case DURATION -> values::duration;
            case POSITIVE_DURATION -> values::positiveDuration;
            case SIZE -> values::size;
            case POSITIVE_SIZE -> values::positiveSize;
            case LISTEN_ADDRESS -> values::listenAddress;
            case CONNECT_ADDRESS -> values::connectAddress;
            case CONNECT_ADDRESS_LIST -> values::connectAddressList;
            case HTTP_URL -> values::httpUrl;
            case PATH -> values::path;
            case HEADERS -> values::headers;
            case STRING_LIST -> values::stringList;
            case BOOLEAN -> values::bool;
            case ENUM -> values.oneOf((Class) kind.enumType());
            case FIELD_PATH -> values::fieldPath;
            case CONDITION -> shaped::condition;
            case REGEX -> shaped::regex;
            case STRINGS -> shaped::strings;
            case STRING_MAP -> shaped::stringMap;
            case FIELD_PATH_MAP -> shaped::fieldPathMap;
            case FIELD_PATH_LIST -> shaped::fieldPathList;
            case PATH_LIST -> shaped::pathList;
        };
        return (Conversion<T>) c;
    }
}
