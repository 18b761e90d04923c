package dev.gapless.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a destination received, judged by the envelope's {@code seq} (dense per agent, every kind): each seq
 * from 1 to the highest must have arrived, or lie in a range a delivered {@code loss} record declared.
 *
 * @param maxSeq     the highest seq received
 * @param distinct   distinct seqs received
 * @param duplicates envelopes received more than once (counted once per extra copy)
 * @param events     distinct seqs of kind {@code event}
 * @param missing    seqs in 1..maxSeq neither received nor declared lost
 * @param declared   seqs in 1..maxSeq not received but inside a declared loss range
 * @param losses     the loss records received
 */
public record SeqLedger(long maxSeq, int distinct, int duplicates, int events, long missing, long declared,
                        List<JsonNode> losses) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static SeqLedger of(List<String> lines) {
        Map<Long, Integer> copies = new HashMap<>();
        List<JsonNode> losses = new ArrayList<>();
        int events = 0;
        long max = 0;
        for (String l : lines) {
            JsonNode n;
            try {
                n = JSON.readTree(l);
            } catch (IOException e) {
                throw new UncheckedIOException("not an envelope: " + l, e);
            }
            long seq = n.path("seq").asLong();
            max = Math.max(max, seq);
            if (copies.merge(seq, 1, Integer::sum) == 1) {
                if ("event".equals(n.path("kind").asText())) {
                    events++;
                } else if ("loss".equals(n.path("kind").asText())) {
                    losses.add(n);
                }
            }
        }
        int duplicates = copies.values().stream().mapToInt(c -> c - 1).sum();
        long missing = 0;
        long declared = 0;
        for (long s = 1; s <= max; s++) {
            if (!copies.containsKey(s)) {
                if (declaredLost(losses, s)) {
                    declared++;
                } else {
                    missing++;
                }
            }
        }
        return new SeqLedger(max, copies.size(), duplicates, events, missing, declared, List.copyOf(losses));
    }

    /** Seqs received more than once, as ranges ("a-b"), for diagnosing where duplicates came from. */
    public static String duplicateRanges(List<String> lines) {
        java.util.TreeMap<Long, Integer> copies = new java.util.TreeMap<>();
        for (String l : lines) {
            try {
                copies.merge(JSON.readTree(l).path("seq").asLong(), 1, Integer::sum);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        StringBuilder sb = new StringBuilder();
        long start = -1;
        long prev = -1;
        for (Map.Entry<Long, Integer> e : copies.entrySet()) {
            if (e.getValue() < 2) {
                continue;
            }
            if (e.getKey() != prev + 1) {
                if (start >= 0) {
                    sb.append(start).append('-').append(prev).append(' ');
                }
                start = e.getKey();
            }
            prev = e.getKey();
        }
        if (start >= 0) {
            sb.append(start).append('-').append(prev);
        }
        return sb.toString().trim();
    }

    /** The seqs in 1..max neither received nor declared lost (to check them against, e.g., a dead-letter file). */
    public static List<Long> missingSeqs(List<String> lines) {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        List<JsonNode> losses = new ArrayList<>();
        long max = 0;
        for (String l : lines) {
            try {
                JsonNode n = JSON.readTree(l);
                seen.add(n.path("seq").asLong());
                max = Math.max(max, n.path("seq").asLong());
                if ("loss".equals(n.path("kind").asText())) {
                    losses.add(n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("not an envelope: " + l, e);
            }
        }
        List<Long> missing = new ArrayList<>();
        for (long s = 1; s <= max; s++) {
            if (!seen.contains(s) && !declaredLost(losses, s)) {
                missing.add(s);
            }
        }
        return missing;
    }

    private static boolean declaredLost(List<JsonNode> losses, long seq) {
        for (JsonNode l : losses) {
            JsonNode loss = l.path("loss");
            long from = loss.path("from_seq").asLong();
            JsonNode to = loss.path("to_seq");
            if (seq >= from && (to.isNull() || to.isMissingNode() || seq <= to.asLong())) {
                return true;
            }
        }
        return false;
    }

    /** Every seq up to {@code head} arrived (declared losses aside) and nothing beyond it is missing. */
    public boolean complete(long head) {
        return missing == 0 && maxSeq >= head;
    }

    @Override
    public String toString() {
        return "seq 1.." + maxSeq + ": " + distinct + " distinct (" + events + " events), " + duplicates
                + " duplicates, " + missing + " missing, " + declared + " declared lost in " + losses.size()
                + " loss record(s)";
    }
}
