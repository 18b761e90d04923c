package dev.gapless.agent.input;

import java.util.concurrent.atomic.LongAdder;

/**
 * What an input has done, for /health and metrics. Every field is safe to read from any thread. The ingest counters
 * (accepted, truncated, invalid_utf8, parse_failures, bytes, lastEventAt, blocked, paused, and rejected for what a
 * sender drops) are counted by the {@link IngestPort} alone, never by an input itself; the connection and tail
 * counters by the input.
 */
public final class InputStats {
    public final String id;
    public final String type;
    /** Events appended to the journal and covered by a completed force: acknowledged. */
    public final LongAdder accepted = new LongAdder();
    /** Input that could not become an event (with the reason logged). */
    public final LongAdder rejected = new LongAdder();
    /** Lines cut at max_line_bytes (still accepted, tagged truncated). */
    public final LongAdder truncated = new LongAdder();
    /** Lines that were not valid UTF-8 (still accepted, tagged invalid_utf8). */
    public final LongAdder invalidUtf8 = new LongAdder();
    /** Syslog: messages that parse as neither RFC 5424 nor RFC 3164 (still accepted, raw, _syslog_parse_failed). */
    public final LongAdder parseFailures = new LongAdder();
    /** Bytes of accepted messages. */
    public final LongAdder bytes = new LongAdder();
    /** TCP: new connections closed on accept at max_connections, none idle long enough to make room. */
    public final LongAdder connectionsRefused = new LongAdder();
    /** TCP: connections idle at least idle_timeout closed at max_connections to admit a new one. */
    public final LongAdder connectionsEvicted = new LongAdder();
    /** Times the input had to wait because the journal was full. */
    public final LongAdder blocked = new LongAdder();
    /** The senders waiting now because the journal refused their appends, and since when. */
    public final PausedSenders paused = new PausedSenders();
    /**
     * Unread tails skipped: a file rotated while the agent was stopped whose rotated file could not be found by its
     * inode next to the path (each logged at ERROR with the byte range).
     */
    public final LongAdder skippedTails = new LongAdder();
    /**
     * UDP: datagrams the kernel dropped for the input's socket (its receive buffer was full), as the kernel counts
     * them since the socket opened ({@code /proc/net/udp}'s {@code drops}); read every few seconds by the input
     * alone, 0 for other inputs.
     */
    public volatile long kernelDrops;
    /** File: files a scan found beyond max_files, not followed (each counted and logged once while it stays). */
    public final LongAdder filesNotFollowed = new LongAdder();
    /** Journald: times the journalctl child exited (or could not start) and was started again. */
    public final LongAdder childRestarts = new LongAdder();
    /** File: lines whose multiline start_pattern match was abandoned past its step budget (taken as continuations). */
    public final LongAdder multilineAborted = new LongAdder();
    /** Epoch ms of the last accepted event, 0 when none yet. */
    public volatile long lastEventAt;

    public InputStats(String id, String type) {
        this.id = id;
        this.type = type;
    }
}
