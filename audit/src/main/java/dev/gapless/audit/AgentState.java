package dev.gapless.audit;

import dev.gapless.audit.AuditReport.AgentReport;
import dev.gapless.audit.AuditReport.Boot;
import dev.gapless.audit.AuditReport.HeartbeatGap;
import dev.gapless.audit.AuditReport.LossMarker;
import dev.gapless.audit.AuditReport.RangeList;
import dev.gapless.audit.AuditReport.SeqRange;
import dev.gapless.audit.AuditReport.TimeAnomalies;
import dev.gapless.audit.AuditReport.TimeAnomaly;
import dev.gapless.audit.AuditReport.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the audit knows about one agent_id, folded in one envelope at a time. Memory follows
 * the number of holes, duplicate runs, boots and heartbeats, never the number of events: seqs live
 * in {@link RangeSet}s and listed examples are capped.
 *
 * <p>Owned by the thread feeding the {@link Auditor}.
 */
final class AgentState {

    private final String agentId;
    // the audit clock's now, and the bounds, in epoch nanoseconds
    private final long nowNanos;
    private final long maxFutureNanos;
    private final long maxRegressionNanos;

    private final RangeSet seen = new RangeSet();
    private final RangeSet duplicates = new RangeSet();
    private final RangeSet declared = new RangeSet();
    // the seqs skipped records declared left out by routing; their records' own seqs are not "seen"
    private final RangeSet skipped = new RangeSet();
    private long skippedRecords;
    private long duplicateCopies;
    private long records;
    private long events;
    private long heartbeats;
    private long lossMarkerCount;
    private final List<LossMarker> lossMarkers = new ArrayList<>();
    // the highest heartbeat.head_seq seen, -1 for none
    private long maxHeadSeq = -1;

    private final Map<String, BootState> bootsById = new HashMap<>();
    private final List<BootState> boots = new ArrayList<>();
    // the boot of the previous record, the usual one for the next
    private BootState lastBoot;

    // heartbeats by received_at: three parallel arrays, hbCount used
    private long[] hbTimes = new long[16];
    private long[] hbSeqs = new long[16];
    private int[] hbBoots = new int[16];
    private int hbCount;

    private long regressions;
    private final List<TimeAnomaly> firstRegressions = new ArrayList<>();
    private long future;
    private final List<TimeAnomaly> firstFuture = new ArrayList<>();
    private long unparsableTimes;

    AgentState(String agentId, long nowNanos, AuditOptions options) {
        this.agentId = agentId;
        this.nowNanos = nowNanos;
        this.maxFutureNanos = options.maxFuture().toNanos();
        this.maxRegressionNanos = options.maxTimeRegression().toNanos();
    }

    String agentId() {
        return agentId;
    }

    void accept(Envelope e) {
        records++;
        BootState boot = boot(e.bootId == null ? "" : e.bootId);
        boot.note(e.seq, e.receivedAt);
        if (e.receivedAt == Rfc3339.INVALID) {
            unparsableTimes++;
        }
        if (e.kind == Envelope.KIND_SKIPPED) {
            acceptSkipped(e);
            return;
        }
        if (!seen.add(e.seq)) {
            duplicates.add(e.seq);
            duplicateCopies++;
            return;
        }
        switch (e.kind) {
            case Envelope.KIND_EVENT:
                events++;
                checkEventTime(e, boot);
                break;
            case Envelope.KIND_HEARTBEAT:
                heartbeats++;
                if (e.headSeq != Envelope.ABSENT) {
                    maxHeadSeq = Math.max(maxHeadSeq, e.headSeq);
                }
                if (e.receivedAt != Envelope.ABSENT && e.receivedAt != Rfc3339.INVALID) {
                    addHeartbeat(e.receivedAt, e.seq, boot.index);
                }
                break;
            case Envelope.KIND_LOSS:
                acceptLoss(e, boot);
                break;
            default:
                // a kind this audit does not know still takes a seq, and that is all it needs
        }
    }

    /**
     * A skipped record accounts for its range (from_seq..to_seq, its own seq when the body lacks them): neither a
     * hole nor a loss. It is not a delivered seq itself, so an event of that range delivered too is a contradiction.
     */
    private void acceptSkipped(Envelope e) {
        skippedRecords++;
        long from = e.lossFrom == Envelope.ABSENT ? e.seq : e.lossFrom;
        long to = e.lossTo == Envelope.ABSENT ? e.seq : e.lossTo;
        if (from <= to) {
            skipped.addRange(from, to);
        }
    }

    private void acceptLoss(Envelope e, BootState boot) {
        lossMarkerCount++;
        boolean toGiven = e.lossTo != Envelope.ABSENT;
        Long from = e.lossFrom == Envelope.ABSENT ? null : e.lossFrom;
        long to = toGiven ? e.lossTo : e.seq - 1;
        if (from != null) {
            declared.addRange(from, to);
        }
        if (lossMarkers.size() < AuditReport.LISTED) {
            lossMarkers.add(new LossMarker(e.seq, boot.bootId, from, to, toGiven,
                    e.lossCount == Envelope.ABSENT ? null : e.lossCount, e.lossReason, e.lossOutput));
        }
    }

    private void checkEventTime(Envelope e, BootState boot) {
        long t = e.eventTime;
        if (t == Envelope.ABSENT) {
            return;
        }
        if (t == Rfc3339.INVALID) {
            unparsableTimes++;
            return;
        }
        if (t - nowNanos > maxFutureNanos) {
            future++;
            if (firstFuture.size() < AuditReport.GARBAGE_LISTED) {
                firstFuture.add(new TimeAnomaly(e.seq, boot.bootId, Rfc3339.toInstant(t),
                        Rfc3339.toInstant(nowNanos), Duration.ofNanos(t - nowNanos)));
            }
        }
        if (boot.lastEventTime != Envelope.ABSENT && boot.lastEventTime - t > maxRegressionNanos) {
            regressions++;
            if (firstRegressions.size() < AuditReport.GARBAGE_LISTED) {
                firstRegressions.add(new TimeAnomaly(e.seq, boot.bootId, Rfc3339.toInstant(t),
                        Rfc3339.toInstant(boot.lastEventTime), Duration.ofNanos(boot.lastEventTime - t)));
            }
        }
        boot.lastEventTime = t;
    }

    private BootState boot(String bootId) {
        BootState b = lastBoot;
        if (b != null && b.bootId.equals(bootId)) {
            return b;
        }
        b = bootsById.get(bootId);
        if (b == null) {
            b = new BootState(bootId, boots.size());
            bootsById.put(bootId, b);
            boots.add(b);
        }
        lastBoot = b;
        return b;
    }

    private void addHeartbeat(long receivedAt, long seq, int bootIndex) {
        if (hbCount == hbTimes.length) {
            hbTimes = Arrays.copyOf(hbTimes, hbCount * 2);
            hbSeqs = Arrays.copyOf(hbSeqs, hbCount * 2);
            hbBoots = Arrays.copyOf(hbBoots, hbCount * 2);
        }
        hbTimes[hbCount] = receivedAt;
        hbSeqs[hbCount] = seq;
        hbBoots[hbCount] = bootIndex;
        hbCount++;
    }

    AgentReport report(AuditOptions options) {
        RangeSet covered = seen.isEmpty() ? skipped : skipped.isEmpty() ? seen : seen.union(skipped);
        long first = covered.min();
        long last = covered.max();
        long lo = options.expectFromStart() ? Math.min(1, first) : first;
        RangeSet missing = covered.complementWithin(lo, last);
        RangeSet contradicted = seen.intersect(skipped);
        RangeSet declaredMissing = missing.intersect(declared);
        RangeSet undeclaredMissing = missing.minus(declared);
        SeqRange tail = maxHeadSeq > last ? new SeqRange(last + 1, maxHeadSeq) : null;

        Verdict verdict = Verdict.COMPLETE;
        if (!undeclaredMissing.isEmpty() || tail != null || !contradicted.isEmpty()) {
            verdict = Verdict.UNDECLARED_GAPS;
        } else if (!declaredMissing.isEmpty()) {
            verdict = Verdict.DECLARED_LOSS_ONLY;
        }

        List<Boot> bootList = new ArrayList<>();
        for (BootState b : boots.subList(0, Math.min(boots.size(), AuditReport.LISTED))) {
            bootList.add(b.toBoot());
        }
        List<HeartbeatGap> gaps = new ArrayList<>();
        long gapCount = heartbeatGaps(options.heartbeatGap().toNanos(), gaps);

        return new AgentReport(agentId, verdict, records, events, heartbeats, lossMarkerCount,
                first, last, first > 1 ? first : null,
                rangeList(seen), rangeList(undeclaredMissing), rangeList(declaredMissing), tail,
                skippedRecords, skipped.count(), rangeList(contradicted),
                List.copyOf(lossMarkers), rangeList(duplicates), duplicateCopies, bootList,
                gapCount, gaps,
                new TimeAnomalies(regressions, List.copyOf(firstRegressions), future,
                        List.copyOf(firstFuture), unparsableTimes));
    }

    private long heartbeatGaps(long boundNanos, List<HeartbeatGap> out) {
        Integer[] order = null;
        for (int i = 1; i < hbCount; i++) {
            if (hbTimes[i] < hbTimes[i - 1]) {
                // delivered out of order (a re-sent batch, files read newest first): sort by time
                order = new Integer[hbCount];
                for (int k = 0; k < hbCount; k++) {
                    order[k] = k;
                }
                Arrays.sort(order, (a, b) -> Long.compare(hbTimes[a], hbTimes[b]));
                break;
            }
        }
        long count = 0;
        for (int i = 1; i < hbCount; i++) {
            int prev = order == null ? i - 1 : order[i - 1];
            int cur = order == null ? i : order[i];
            long length = hbTimes[cur] - hbTimes[prev];
            if (length > boundNanos) {
                count++;
                if (out.size() < AuditReport.LISTED) {
                    out.add(new HeartbeatGap(Rfc3339.toInstant(hbTimes[prev]), Rfc3339.toInstant(hbTimes[cur]),
                            Duration.ofNanos(length), hbSeqs[prev], hbSeqs[cur], hbBoots[prev] != hbBoots[cur]));
                }
            }
        }
        return count;
    }

    private static RangeList rangeList(RangeSet set) {
        int n = Math.min(set.rangeCount(), AuditReport.LISTED);
        List<SeqRange> ranges = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ranges.add(new SeqRange(set.start(i), set.end(i)));
        }
        return new RangeList(set.count(), set.rangeCount(), List.copyOf(ranges));
    }

    /** One boot_id's records. */
    private static final class BootState {
        final String bootId;
        final int index;
        long firstSeq = Long.MAX_VALUE;
        long lastSeq = Long.MIN_VALUE;
        long records;
        long firstReceived = Long.MAX_VALUE;
        long lastReceived = Long.MIN_VALUE;
        // event_time of this boot's previous fresh event, for regressions
        long lastEventTime = Envelope.ABSENT;

        BootState(String bootId, int index) {
            this.bootId = bootId;
            this.index = index;
        }

        void note(long seq, long receivedAt) {
            records++;
            firstSeq = Math.min(firstSeq, seq);
            lastSeq = Math.max(lastSeq, seq);
            if (receivedAt != Envelope.ABSENT && receivedAt != Rfc3339.INVALID) {
                firstReceived = Math.min(firstReceived, receivedAt);
                lastReceived = Math.max(lastReceived, receivedAt);
            }
        }

        Boot toBoot() {
            boolean anyTime = firstReceived != Long.MAX_VALUE;
            return new Boot(bootId, firstSeq, lastSeq, records,
                    anyTime ? Rfc3339.toInstant(firstReceived) : null,
                    anyTime ? Rfc3339.toInstant(lastReceived) : null);
        }
    }
}
