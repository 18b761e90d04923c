package dev.gapless.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What an audit found, as plain values: {@link ReportWriter} renders it for people or machines.
 * Every list that could grow with the input is capped ({@link #LISTED} entries, or
 * {@link #GARBAGE_LISTED} garbage lines) and comes with the full count.
 *
 * @param auditedAt the audit clock's time when the report was made
 * @param settings  the bounds the audit applied
 * @param verdict   the worst verdict over all agents, or {@link Verdict#CANNOT_AUDIT}
 * @param files     every file read, in the order read
 * @param errors    why some input could not be audited (missing path, I/O error, no envelope)
 * @param garbage   lines that are not envelopes
 * @param agents    one entry per agent_id, in order of first appearance
 */
public record AuditReport(
        Instant auditedAt,
        Settings settings,
        Verdict verdict,
        List<FileSummary> files,
        List<String> errors,
        Garbage garbage,
        List<AgentReport> agents) {

    /** At most this many ranges, losses, gaps or boots are listed; counts are always complete. */
    public static final int LISTED = 1000;
    /** At most this many garbage lines and time anomalies are listed. */
    public static final int GARBAGE_LISTED = 20;

    public int exitCode() {
        return verdict.exitCode();
    }

    /** The outcome, ordered from best to worst. */
    public enum Verdict {
        /** Every seq between the first and last seen was delivered, and no tail is missing. */
        COMPLETE(0),
        /** Some seqs are missing and every missing one is named by a loss marker. */
        DECLARED_LOSS_ONLY(2),
        /** Some seqs are missing with no loss marker naming them, or the tail is missing. */
        UNDECLARED_GAPS(1),
        /** An input could not be read, or holds no envelope at all. */
        CANNOT_AUDIT(3);

        private final int exitCode;

        Verdict(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }

        Verdict worst(Verdict other) {
            return other.ordinal() > ordinal() ? other : this;
        }
    }

    public record Settings(Duration heartbeatGap, Duration maxTimeRegression, Duration maxFuture,
                           boolean expectFromStart) {
    }

    /**
     * @param lines             lines read, blank ones included
     * @param envelopes         lines that were envelopes
     * @param garbageLines      lines that were not
     * @param truncatedLastLine the file ended without a newline in the middle of a line that is no envelope
     */
    public record FileSummary(String path, boolean gzip, long lines, long envelopes, long garbageLines,
                              boolean truncatedLastLine) {
    }

    public record Garbage(long count, List<GarbageLine> first) {
    }

    /** @param line 1-based line number in the (decompressed) file */
    public record GarbageLine(String file, long line, String reason) {
    }

    /** An inclusive range of seqs. */
    public record SeqRange(long from, long to) {
        public long size() {
            return to - from + 1;
        }

        @Override
        public String toString() {
            return from == to ? Long.toString(from) : from + "-" + to;
        }
    }

    /**
     * @param seqs       how many seqs the ranges hold in all
     * @param rangeCount how many ranges there are in all
     * @param ranges     the first {@link #LISTED} of them, ascending
     */
    public record RangeList(long seqs, int rangeCount, List<SeqRange> ranges) {
        public boolean isEmpty() {
            return seqs == 0;
        }
    }

    /**
     * @param startsAtSeq   the first seq, when it is above 1 (seqs before it may have been retained away)
     * @param seen          the seqs delivered
     * @param undeclared    seqs missing between the first and last seen, not named by a loss marker
     * @param declared      seqs missing and named by a loss marker
     * @param missingTail   seqs after the last seen up to the highest heartbeat head_seq, or null
     * @param lossMarkers   loss markers in the order read
     * @param duplicates    seqs delivered more than once
     * @param duplicateCopies deliveries beyond the first of those seqs
     */
    public record AgentReport(
            String agentId,
            Verdict verdict,
            long records,
            long events,
            long heartbeats,
            long lossMarkerCount,
            long firstSeq,
            long lastSeq,
            Long startsAtSeq,
            RangeList seen,
            RangeList undeclared,
            RangeList declared,
            SeqRange missingTail,
            long skippedRecords,
            long skippedByRouting,
            RangeList skippedButDelivered,
            List<LossMarker> lossMarkers,
            RangeList duplicates,
            long duplicateCopies,
            List<Boot> boots,
            long heartbeatGapCount,
            List<HeartbeatGap> heartbeatGaps,
            TimeAnomalies timeAnomalies) {
    }

    /**
     * A {@code kind: loss} record.
     *
     * @param toSeq      the last seq lost; when the marker gave null, its own seq - 1
     * @param toSeqGiven false when the marker's to_seq was null
     * @param count      events lost, when the marker knew, else null
     */
    public record LossMarker(long markerSeq, String bootId, Long fromSeq, Long toSeq, boolean toSeqGiven,
                             Long count, String reason, String output) {
    }

    /** One run of the agent: the records delivered under one boot_id. */
    public record Boot(String bootId, long firstSeq, long lastSeq, long records,
                       Instant firstReceivedAt, Instant lastReceivedAt) {
    }

    /** Two consecutive heartbeats further apart than the bound. */
    public record HeartbeatGap(Instant from, Instant to, Duration length, long afterSeq, long beforeSeq,
                               boolean acrossRestart) {
    }

    /**
     * @param regressions      events whose event_time went back by more than the bound
     * @param future           events whose event_time is ahead of the audit clock by more than the bound
     * @param unparsableTimes  records whose event_time or received_at is no RFC 3339 time
     */
    public record TimeAnomalies(long regressions, List<TimeAnomaly> firstRegressions,
                                long future, List<TimeAnomaly> firstFuture, long unparsableTimes) {
    }

    /**
     * @param reference the previous event's time (regression) or the audit clock (future)
     * @param by        how far past the reference, beyond or before it
     */
    public record TimeAnomaly(long seq, String bootId, Instant eventTime, Instant reference, Duration by) {
    }
}
