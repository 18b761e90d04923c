package dev.gapless.agent.internal;

import java.util.Locale;

/** Byte counts for people: {@code 90.0MiB}. */
public final class Sizes {

    private Sizes() {
    }

    /** One decimal, binary units; plain bytes below 1 KiB. */
    public static String of(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return i == 0 ? bytes + "B" : String.format(Locale.ROOT, "%.1f%s", v, units[i]);
    }
}
