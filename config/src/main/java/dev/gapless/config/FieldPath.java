package dev.gapless.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A path to a value of the delivered envelope: {@code source}, {@code fields.user.id}, or with a key that holds a
 * dot quoted, {@code fields."http.status"}. Segments are the keys from the envelope's root; written back with
 * {@link #toString()} as parsed.
 *
 * @param segments the keys, outermost first; at least one, none empty
 */
public record FieldPath(List<String> segments) {

    /** The longest path taken: deeper trees are not what an envelope holds. */
    public static final int MAX_SEGMENTS = 16;

    public FieldPath {
        segments = List.copyOf(segments);
        if (segments.isEmpty() || segments.size() > MAX_SEGMENTS || segments.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("a field path has 1.." + MAX_SEGMENTS + " non-empty keys");
        }
    }

    /**
     * Parses {@code a.b."c.d"}: keys separated by dots, a key in double quotes taken as it is (a {@code \"} or
     * {@code \\} inside stands for the character).
     *
     * @throws IllegalArgumentException saying what is wrong and at which character (from 1)
     */
    public static FieldPath parse(String text) {
        List<String> keys = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (true) {
            StringBuilder key = new StringBuilder();
            if (i < n && text.charAt(i) == '"') {
                int open = i++;
                while (i < n && text.charAt(i) != '"') {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < n) {
                        c = text.charAt(i++);
                    }
                    key.append(c);
                }
                if (i == n) {
                    throw new IllegalArgumentException("the quote at character " + (open + 1) + " is not closed");
                }
                i++; // the closing quote
            } else {
                while (i < n && text.charAt(i) != '.' && text.charAt(i) != '"') {
                    key.append(text.charAt(i++));
                }
            }
            if (key.length() == 0) {
                throw new IllegalArgumentException("an empty key at character " + (i + 1));
            }
            keys.add(key.toString());
            if (i == n) {
                break;
            }
            if (text.charAt(i) != '.') {
                throw new IllegalArgumentException("expected '.' at character " + (i + 1) + ", got '"
                        + text.charAt(i) + "'");
            }
            i++;
        }
        if (keys.size() > MAX_SEGMENTS) {
            throw new IllegalArgumentException("more than " + MAX_SEGMENTS + " keys");
        }
        return new FieldPath(keys);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (String k : segments) {
            if (s.length() > 0) {
                s.append('.');
            }
            if (k.indexOf('.') >= 0 || k.indexOf('"') >= 0 || k.indexOf('\\') >= 0) {
                s.append('"').append(k.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                s.append(k);
            }
        }
        return s.toString();
    }
}
