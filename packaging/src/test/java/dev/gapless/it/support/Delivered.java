package dev.gapless.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;
import java.util.List;

/** What a destination received, summarized by the numbered lines of {@link LineSender}. */
public record Delivered(int events, int distinct, int duplicates, int prefix, long maxSeq) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads envelope lines (json_lines); counts events only, by their line number. */
    public static Delivered of(List<String> lines) {
        BitSet seen = new BitSet();
        int events = 0;
        int duplicates = 0;
        long maxSeq = 0;
        for (String l : lines) {
            JsonNode n;
            try {
                n = JSON.readTree(l);
            } catch (IOException e) {
                throw new UncheckedIOException("not an envelope: " + l, e);
            }
            maxSeq = Math.max(maxSeq, n.path("seq").asLong());
            if (!"event".equals(n.path("kind").asText())) {
                continue;
            }
            events++;
            int number = (int) LineSender.number(n.path("message").asText());
            if (seen.get(number)) {
                duplicates++;
            }
            seen.set(number);
        }
        return new Delivered(events, seen.cardinality(), duplicates, seen.nextClearBit(0), maxSeq);
    }

    /** True if the distinct lines are exactly 0..prefix-1. */
    public boolean isPrefix() {
        return distinct == prefix;
    }
}
