package dev.gapless.agent.filter.mutate;

import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.filter.FilterEvent;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.config.FieldPath;
import dev.gapless.config.filter.mutate.MutateFilterConfig;
import dev.gapless.config.filter.mutate.MutateFilterConfig.Conversion;
import dev.gapless.config.filter.mutate.MutateTemplate;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The operations of one mutate, each made into a step once when built (paths parsed, templates split, conversions
 * chosen), then run on every event in the documented order. A step whose path holds nothing does nothing. Holds no
 * per-event state, so one instance serves every sender.
 */
final class MutateFilter implements Filter {

    static final String CONVERT_FAILURE = "_mutate_convert_failure";

    /** One operation on one path. */
    private interface Op {
        /** @return false when it could not do its work (the event is tagged) */
        boolean apply(FilterEvent e);
    }

    private final Op[] ops;
    private final FilterStats stats;

    MutateFilter(MutateFilterConfig c, FilterStats stats) {
        this.stats = stats;
        List<Op> list = new ArrayList<>();
        c.rename().forEach((from, to) -> list.add(e -> rename(e, from, to)));
        c.copy().forEach((from, to) -> list.add(e -> copy(e, from, to)));
        c.set().forEach((path, t) -> list.add(setter(path, t, true)));
        c.add().forEach((path, t) -> list.add(setter(path, t, false)));
        for (FieldPath p : c.remove()) {
            list.add(e -> {
                e.remove(p);
                return true;
            });
        }
        c.convert().forEach((path, to) -> list.add(converter(path, to)));
        for (FieldPath p : c.lowercase()) {
            list.add(text(p, s -> s.toLowerCase(Locale.ROOT)));
        }
        for (FieldPath p : c.uppercase()) {
            list.add(text(p, s -> s.toUpperCase(Locale.ROOT)));
        }
        for (FieldPath p : c.strip()) {
            list.add(text(p, String::strip));
        }
        c.split().forEach((path, sep) -> list.add(e -> split(e, path, sep)));
        c.join().forEach((path, sep) -> list.add(e -> join(e, path, sep)));
        this.ops = list.toArray(Op[]::new);
    }

    @Override
    public boolean apply(FilterEvent event) {
        boolean failed = false;
        for (Op op : ops) {
            if (!op.apply(event)) {
                failed = true;
            }
        }
        if (failed) {
            event.tag(CONVERT_FAILURE);
            stats.failures.increment();
        }
        return true;
    }

    private static boolean rename(FilterEvent e, FieldPath from, FieldPath to) {
        Object v = e.get(from);
        if (v == null) {
            return true;
        }
        e.remove(from);
        if (!e.put(to, v)) {
            e.put(from, v); // the way to the target holds a value that is no map: the value stays where it was
        }
        return true;
    }

    private static boolean copy(FilterEvent e, FieldPath from, FieldPath to) {
        Object v = e.get(from);
        if (v != null) {
            e.put(to, deepCopy(v));
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, x) -> out.put(k, deepCopy(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) {
                out.add(deepCopy(x));
            }
            return out;
        }
        return v;
    }

    private static Op setter(FieldPath path, MutateTemplate t, boolean always) {
        List<Object> parts = t.parts();
        if (parts.size() == 1 && parts.get(0) instanceof String literal) {
            return e -> {
                if (always || e.get(path) == null) {
                    e.put(path, literal);
                }
                return true;
            };
        }
        Object[] p = parts.toArray();
        return e -> {
            if (always || e.get(path) == null) {
                StringBuilder out = new StringBuilder();
                for (Object part : p) {
                    if (part instanceof FieldPath ref) {
                        String v = e.text(ref);
                        out.append(v == null ? "" : v); // a missing reference reads as empty
                    } else {
                        out.append((String) part);
                    }
                }
                e.put(path, out.toString());
            }
            return true;
        };
    }

    /** Applies {@code f} to the text at {@code path}, or to each text of a list there; other values are left. */
    @SuppressWarnings("unchecked")
    private static Op text(FieldPath path, UnaryOperator<String> f) {
        return e -> {
            Object v = e.get(path);
            if (v instanceof String s) {
                String r = f.apply(s);
                if (!r.equals(s)) {
                    e.put(path, r);
                }
            } else if (v instanceof List<?> l) {
                List<Object> list = (List<Object>) l;
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof String s) {
                        list.set(i, f.apply(s));
                    }
                }
                e.fieldsChanged();
            }
            return true;
        };
    }

    @SuppressWarnings("unchecked")
    private static Op converter(FieldPath path, Conversion to) {
        return e -> {
            Object v = e.get(path);
            if (v == null) {
                return true;
            }
            if (v instanceof List<?> l) {
                List<Object> list = (List<Object>) l;
                boolean ok = true;
                for (int i = 0; i < list.size(); i++) {
                    Object r = convert(list.get(i), to);
                    if (r == null) {
                        ok = false;
                    } else {
                        list.set(i, r);
                    }
                }
                e.fieldsChanged();
                return ok;
            }
            Object r = convert(v, to);
            if (r == null) {
                return false;
            }
            if (r != v) {
                e.put(path, r);
            }
            return true;
        };
    }

    /** {@code v} as {@code to}: the same object when it is one already; null when it cannot be. */
    static Object convert(Object v, Conversion to) {
        switch (to) {
            case STRING:
                return v instanceof String ? v
                        : v instanceof Number || v instanceof Boolean ? v.toString() : null;
            case INTEGER:
                if (v instanceof Long || v instanceof BigInteger) {
                    return v;
                }
                if (v instanceof Double d) {
                    return Double.isFinite(d) ? (Object) d.longValue() : null;
                }
                if (v instanceof BigDecimal d) {
                    return d.toBigInteger();
                }
                if (v instanceof Boolean b) {
                    return b ? 1L : 0L;
                }
                if (v instanceof String s) {
                    return integer(s.strip());
                }
                return null;
            case FLOAT:
                if (v instanceof Double) {
                    return v;
                }
                if (v instanceof Number n) {
                    return n.doubleValue();
                }
                if (v instanceof Boolean b) {
                    return b ? 1.0 : 0.0;
                }
                if (v instanceof String s) {
                    try {
                        double d = Double.parseDouble(s.strip());
                        return Double.isFinite(d) ? (Object) d : null; // JSON has no NaN nor infinity
                    } catch (NumberFormatException notANumber) {
                        return null;
                    }
                }
                return null;
            case BOOLEAN:
                if (v instanceof Boolean) {
                    return v;
                }
                if (v instanceof Number n) {
                    double d = n.doubleValue();
                    return d == 1 ? Boolean.TRUE : d == 0 ? Boolean.FALSE : null;
                }
                if (v instanceof String s) {
                    return bool(s.strip());
                }
                return null;
            default:
                return null;
        }
    }

    /** Digits with an optional sign as a Long (a BigInteger past it); a decimal is cut to its integer part. */
    private static Object integer(String s) {
        int n = s.length();
        int i = n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
        if (i == n) {
            return null;
        }
        boolean digits = true;
        for (int j = i; j < n; j++) {
            char c = s.charAt(j);
            if (c < '0' || c > '9') {
                digits = false;
                break;
            }
        }
        if (digits) {
            if (n - i <= 18) {
                return Long.parseLong(s); // at most 18 digits always fit
            }
            BigInteger b = new BigInteger(s);
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        try {
            BigDecimal d = new BigDecimal(s);
            BigInteger b = d.toBigInteger();
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        } catch (NumberFormatException | ArithmeticException notANumber) {
            return null;
        }
    }

    private static Boolean bool(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "y", "1":
                return Boolean.TRUE;
            case "false", "f", "no", "n", "0":
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    private static boolean split(FilterEvent e, FieldPath path, String sep) {
        if (!(e.get(path) instanceof String s)) {
            return true;
        }
        List<Object> parts = new ArrayList<>();
        int from = 0;
        // each pass moves past one separator, so this ends after at most s.length() passes
        for (int at = s.indexOf(sep); at >= 0; at = s.indexOf(sep, from)) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        e.put(path, parts);
        return true;
    }

    private static boolean join(FilterEvent e, FieldPath path, String sep) {
        if (!(e.get(path) instanceof List<?> l)) {
            return true;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < l.size(); i++) {
            Object x = l.get(i);
            if (x instanceof Map<?, ?> || x instanceof List<?>) {
                return true; // a list of maps or lists is left as it is
            }
            if (i > 0) {
                out.append(sep);
            }
            out.append(x == null ? "" : x.toString());
        }
        e.put(path, out.toString());
        return true;
    }
}
