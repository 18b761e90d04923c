package dev.gapless.contract;

import java.util.Locale;
import java.util.Optional;

/**
 * Why the agent's /health says {@code "status": "degraded"}: the closed list of {@code degraded[].reason} values
 * (/health version 1), written by the agent and read by the watchdog; what each means is documented in
 * docs/architecture.md. Reasons may be added within the version: a reader ignores one it does not know.
 */
public enum DegradedReason {
    /** A journal force (fdatasync) failed: nothing more becomes durable, appends are refused, until a restart. */
    FORCE_FAILED,
    /** The journal is at max_size and refuses appends (when_full: block): an output is behind. */
    JOURNAL_FULL,
    /** The journal's file system has less usable space than min_free. */
    MIN_FREE,
    /** An output's cursor cannot be written ({@code output} names it): that output moves no further. */
    CURSOR_COMMIT_FAILING,
    /** An input's senders ({@code input} names it) have been paused by refused appends for too long. */
    INGEST_BLOCKED;

    /** The name in /health: {@code cursor_commit_failing}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The reason named {@code wireName}, or empty for one this reader does not know (or null). */
    public static Optional<DegradedReason> ofWireName(String wireName) {
        for (DegradedReason r : values()) {
            if (r.wireName().equals(wireName)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
