package dev.gapless.config.filter.mutate;

import dev.gapless.config.FieldPath;
import dev.gapless.config.filter.mutate.MutateFilterConfig.Conversion;
import dev.gapless.config.plugin.FilterCommon;
import dev.gapless.config.plugin.FilterType;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code type: mutate}: renames, copies, sets, removes and converts fields and the message. */
public final class MutateFilterType implements FilterType<MutateFilterConfig> {

    public static final String NAME = "mutate";
    public static final MutateFilterType INSTANCE = new MutateFilterType();

    private MutateFilterType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<MutateFilterConfig> configClass() {
        return MutateFilterConfig.class;
    }

    /** Whether a mutate may write {@code path}: {@code message}, or {@code fields} or a path under it. */
    static boolean writable(FieldPath path) {
        String root = path.segments().get(0);
        return root.equals("fields") || root.equals("message") && path.segments().size() == 1;
    }

    private static boolean isMessage(FieldPath path) {
        return path.segments().size() == 1 && path.segments().get(0).equals("message");
    }

    @Override
    public MutateFilterConfig bind(Settings s, FilterCommon c) {
        boolean[] ok = {true};
        Map<FieldPath, FieldPath> rename = map(s, "rename", ok, (k, v) -> path(s, "rename", v, ok));
        Map<FieldPath, FieldPath> copy = map(s, "copy", ok, (k, v) -> path(s, "copy", v, ok));
        Map<FieldPath, MutateTemplate> set = map(s, "set", ok, (k, v) -> template(s, "set", v, ok));
        Map<FieldPath, MutateTemplate> add = map(s, "add", ok, (k, v) -> template(s, "add", v, ok));
        List<FieldPath> remove = list(s, "remove", ok);
        Map<FieldPath, Conversion> convert = map(s, "convert", ok, (k, v) -> conversion(s, k, v, ok));
        List<FieldPath> lowercase = list(s, "lowercase", ok);
        List<FieldPath> uppercase = list(s, "uppercase", ok);
        List<FieldPath> strip = list(s, "strip", ok);
        Map<FieldPath, String> split = map(s, "split", ok, (k, v) -> separator(s, "split", k, v, ok));
        Map<FieldPath, String> join = map(s, "join", ok, (k, v) -> separator(s, "join", k, v, ok));
        if (rename.isEmpty() && copy.isEmpty() && set.isEmpty() && add.isEmpty() && remove.isEmpty()
                && convert.isEmpty() && lowercase.isEmpty() && uppercase.isEmpty() && strip.isEmpty()
                && split.isEmpty() && join.isEmpty() && ok[0]) {
            s.problem("a mutate needs at least one operation (rename, copy, set, add, remove, convert, lowercase,"
                    + " uppercase, strip, split, join)");
            ok[0] = false;
        }
        if (c.id() == null || !ok[0]) {
            return null;
        }
        return new MutateFilterConfig(c.id(), c.when(), rename, copy, set, add, remove, convert, lowercase,
                uppercase, strip, split, join);
    }

    private interface Value<T> {
        T bind(FieldPath key, String value);
    }

    private static <T> Map<FieldPath, T> map(Settings s, String key, boolean[] ok, Value<T> value) {
        Map<FieldPath, String> raw = s.get(key, Kind.FIELD_PATH_MAP, Map.of());
        Map<FieldPath, T> out = new LinkedHashMap<>();
        for (Map.Entry<FieldPath, String> e : raw.entrySet()) {
            // copy reads any path (source, tags too); every other operation writes the path it names
            if (!key.equals("copy") && !writable(e.getKey())) {
                notWritable(s, key, e.getKey(), ok);
                continue;
            }
            T v = value.bind(e.getKey(), e.getValue());
            if (v != null) {
                out.put(e.getKey(), v);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static List<FieldPath> list(Settings s, String key, boolean[] ok) {
        List<FieldPath> paths = s.get(key, Kind.FIELD_PATH_LIST, List.of());
        for (FieldPath p : paths) {
            if (!writable(p)) {
                notWritable(s, key, p, ok);
            }
        }
        return paths;
    }

    private static void notWritable(Settings s, String key, FieldPath p, boolean[] ok) {
        s.problem(key + ": '" + p + "' cannot be written (only 'message', 'fields' or a path under it)", key);
        ok[0] = false;
    }

    private static FieldPath path(Settings s, String key, String text, boolean[] ok) {
        FieldPath to;
        try {
            to = FieldPath.parse(text);
        } catch (IllegalArgumentException e) {
            s.problem(key + ": invalid field path '" + text + "': " + e.getMessage(), key);
            ok[0] = false;
            return null;
        }
        if (!writable(to)) {
            notWritable(s, key, to, ok);
            return null;
        }
        return to;
    }

    private static MutateTemplate template(Settings s, String key, String text, boolean[] ok) {
        try {
            return MutateTemplate.parse(text);
        } catch (IllegalArgumentException e) {
            s.problem(key + ": invalid value '" + text + "': " + e.getMessage(), key);
            ok[0] = false;
            return null;
        }
    }

    private static Conversion conversion(Settings s, FieldPath path, String text, boolean[] ok) {
        Conversion to = switch (text.toLowerCase(Locale.ROOT)) {
            case "integer" -> Conversion.INTEGER;
            case "float" -> Conversion.FLOAT;
            case "string" -> Conversion.STRING;
            case "boolean" -> Conversion.BOOLEAN;
            default -> null;
        };
        if (to == null) {
            s.problem("convert: '" + path + "' to '" + text + "': expected integer, float, string or boolean",
                    "convert");
            ok[0] = false;
        } else if (isMessage(path) && to != Conversion.STRING) {
            s.problem("convert: the message is always text, it cannot become " + text, "convert");
            ok[0] = false;
            return null;
        }
        return to;
    }

    private static String separator(Settings s, String key, FieldPath path, String sep, boolean[] ok) {
        if (sep.isEmpty()) {
            s.problem(key + ": the separator of '" + path + "' is empty", key);
            ok[0] = false;
            return null;
        }
        if (key.equals("split") && isMessage(path)) {
            s.problem("split: the message is text, it cannot hold a list", key);
            ok[0] = false;
            return null;
        }
        return sep;
    }

}
