package dev.gapless.config.filter.mutate;

import dev.gapless.config.FieldPath;
import java.util.ArrayList;
import java.util.List;

/**
 * A value of {@code set} or {@code add}: literal text with {@code %{path}} references ({@code %{fields.user}},
 * {@code %{message}}, {@code %{source}}), parsed once when the config loads.
 *
 * @param parts literal {@code String}s and {@link FieldPath}s, in order; never two literals in a row
 */
public record MutateTemplate(List<Object> parts) {

    public MutateTemplate {
        parts = List.copyOf(parts);
    }

    /**
     * Parses {@code text}; a {@code %} not followed by {@code {} is literal.
     *
     * @throws IllegalArgumentException for a reference that is not closed or whose path does not parse
     */
    public static MutateTemplate parse(String text) {
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '%' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("the reference at character " + (i + 1) + " is not closed");
                }
                FieldPath path;
                try {
                    path = FieldPath.parse(text.substring(i + 2, close));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the reference at character " + (i + 1) + ": "
                            + e.getMessage());
                }
                if (lit.length() > 0) {
                    parts.add(lit.toString());
                    lit.setLength(0);
                }
                parts.add(path);
                i = close + 1;
            } else {
                lit.append(c);
                i++;
            }
        }
        if (lit.length() > 0 || parts.isEmpty()) {
            parts.add(lit.toString());
        }
        return new MutateTemplate(parts);
    }
}
