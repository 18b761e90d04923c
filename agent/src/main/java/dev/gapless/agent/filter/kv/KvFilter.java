package dev.gapless.agent.filter.kv;

import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.filter.FilterEvent;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.config.FieldPath;
import dev.gapless.config.filter.kv.KvFilterConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scans text once, left to right, for {@code key=value} pairs: pairs are separated by any of the field-split
 * characters, a key from its value by any of the value-split ones. A value in double or single quotes may hold
 * separators, and a backslash in it takes the next character as it is. A word with no value-split is no pair and is
 * skipped. A key seen again makes its value a list, in order. Holds no per-event state.
 */
final class KvFilter implements Filter {

    /**
     * The most pairs taken from one text: the rest is ignored and the event tagged {@link #TOO_MANY}, so a hostile
     * line cannot make a map of millions of keys.
     */
    static final int MAX_PAIRS = 1024;
    static final String TOO_MANY = "_kv_too_many";

    private final FieldPath field;
    private final FieldPath target;
    private final String fieldSplit;
    private final String valueSplit;
    private final Set<String> include;
    private final Set<String> exclude;
    private final String prefix;
    private final String[] tagOnFailure;
    private final FilterStats stats;

    KvFilter(KvFilterConfig c, FilterStats stats) {
        this.field = c.field();
        this.target = c.target();
        this.fieldSplit = c.fieldSplit();
        this.valueSplit = c.valueSplit();
        this.include = Set.copyOf(c.includeKeys());
        this.exclude = Set.copyOf(c.excludeKeys());
        this.prefix = c.prefix();
        this.tagOnFailure = c.tagOnFailure().toArray(String[]::new);
        this.stats = stats;
    }

    private boolean pairSep(char c) {
        return fieldSplit.indexOf(c) >= 0;
    }

    private boolean valueSep(char c) {
        return valueSplit.indexOf(c) >= 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean apply(FilterEvent event) {
        if (!(event.get(field) instanceof String s)) {
            return true; // no text there: nothing to scan
        }
        Map<String, Object> found = new LinkedHashMap<>();
        int pairs = 0;
        boolean tooMany = false;
        int n = s.length();
        int i = 0;
        StringBuilder value = new StringBuilder();
        // every pass moves i forward by at least one character, so the scan ends after at most n passes
        while (i < n) {
            while (i < n && pairSep(s.charAt(i))) {
                i++;
            }
            int keyFrom = i;
            while (i < n && !pairSep(s.charAt(i)) && !valueSep(s.charAt(i))) {
                i++;
            }
            int keyTo = i;
            if (i >= n || pairSep(s.charAt(i))) {
                continue; // a word with no value: no pair
            }
            i++; // the value separator
            String v;
            if (i < n && (s.charAt(i) == '"' || s.charAt(i) == '\'')) {
                char quote = s.charAt(i++);
                value.setLength(0);
                while (i < n && s.charAt(i) != quote) {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < n) {
                        c = s.charAt(i++);
                    }
                    value.append(c);
                }
                i++; // the closing quote (an unclosed value runs to the end)
                v = value.toString();
            } else {
                int from = i;
                while (i < n && !pairSep(s.charAt(i))) {
                    i++;
                }
                v = s.substring(from, i);
            }
            if (keyTo == keyFrom) {
                continue; // "=value": no key
            }
            if (pairs == MAX_PAIRS) {
                tooMany = true;
                break;
            }
            pairs++;
            String key = s.substring(keyFrom, keyTo);
            if (!include.isEmpty() && !include.contains(key) || exclude.contains(key)) {
                continue;
            }
            String name = prefix.isEmpty() ? key : prefix + key;
            Object had = found.get(name);
            if (had == null) {
                found.put(name, v);
            } else if (had instanceof List<?> list) {
                ((List<Object>) list).add(v);
            } else {
                List<Object> list = new ArrayList<>(4);
                list.add(had);
                list.add(v);
                found.put(name, list);
            }
        }
        if (tooMany) {
            event.tag(TOO_MANY);
            stats.failures.increment();
        }
        if (pairs == 0) {
            for (String t : tagOnFailure) {
                event.tag(t);
            }
            stats.failures.increment();
            return true;
        }
        if (found.isEmpty()) {
            return true; // pairs, all left out by include_keys / exclude_keys
        }
        Object at = event.get(target);
        if (at instanceof Map<?, ?> into) {
            ((Map<String, Object>) into).putAll(found);
            event.fieldsChanged();
        } else {
            event.put(target, found);
        }
        return true;
    }
}
