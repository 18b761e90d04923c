package dev.gapless.config.load.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" for a misspelled key or value: the closest candidate by optimal-string-alignment
 * distance (Levenshtein plus adjacent transpositions), or one that differs only in case, '_' or '-'
 * ({@code maxEvents} for {@code max_events}). Short words allow one edit, longer ones two; beyond
 * that a suggestion would be a guess.
 */
final class Suggestions {

    private Suggestions() {
    }

    static Optional<String> closest(String typo, Collection<String> candidates) {
        String squashed = squash(typo);
        for (String c : candidates) {
            if (squash(c).equals(squashed)) {
                return Optional.of(c);
            }
        }
        int limit = typo.length() <= 3 ? 1 : 2;
        String best = null;
        int bestDistance = limit + 1;
        for (String c : candidates) {
            int d = distance(typo.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code " (did you mean 'x'?)"}, or nothing. */
    static String hint(String typo, Collection<String> candidates) {
        return closest(typo, candidates).map(s -> " (did you mean '" + s + "'?)").orElse("");
    }

    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String squash(String s) {
        return s.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }
}
