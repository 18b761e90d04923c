package dev.gapless.agent.journal;

import java.util.Map;
import java.util.TreeMap;

/**
 * The seq ranges declared lost in this run, so several outputs meeting the same damage write one marker.
 * Bounded: past {@link #MAX_RANGES} the oldest ranges are forgotten, and meeting such a range again writes a
 * second marker for it (harmless: an auditor merges overlapping declarations). Guarded by the journal's
 * write lock.
 */
final class LossLedger {

    static final int MAX_RANGES = 1024;
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    /** @return true if {@code from..to} lies within one range declared before */
    boolean covers(long from, long to) {
        Map.Entry<Long, Long> floor = ranges.floorEntry(from);
        return floor != null && floor.getValue() >= to;
    }

    /** @return true if {@code from..to} was not wholly declared before (and now is) */
    boolean add(long from, long to) {
        if (covers(from, to)) {
            return false;
        }
        ranges.put(from, Math.max(to, ranges.getOrDefault(from, to)));
        while (ranges.size() > MAX_RANGES) {
            ranges.pollFirstEntry();
        }
        return true;
    }
}
