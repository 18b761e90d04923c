package dev.gapless.agent.admin;

/**
 * Every Dropwizard metric name the agent registers, in one place. Per-input and per-output names carry the id
 * as a dotted segment ({@code gapless.output.<id>.acked_seq}); the Prometheus exposition turns that segment
 * into a label ({@code gapless_output_acked_seq{output="<id>"}}).
 */
public final class MetricNames {

    public static final String JOURNAL_HEAD_SEQ = "gapless.journal.head_seq";
    public static final String JOURNAL_DURABLE_SEQ = "gapless.journal.durable_seq";
    public static final String JOURNAL_FIRST_SEQ = "gapless.journal.first_seq";
    public static final String JOURNAL_DISK_BYTES = "gapless.journal.disk_bytes";
    public static final String JOURNAL_MAX_BYTES = "gapless.journal.max_bytes";
    public static final String JOURNAL_FULL = "gapless.journal.full";
    public static final String JOURNAL_APPENDED_RECORDS = "gapless.journal.appended_records";
    public static final String JOURNAL_APPENDED_BYTES = "gapless.journal.appended_bytes";
    public static final String JOURNAL_FULL_REFUSALS = "gapless.journal.full_refusals";
    public static final String JOURNAL_CORRUPT_RECORDS = "gapless.journal.corrupt_records";
    public static final String JOURNAL_LOST_RECORDS = "gapless.journal.lost_records";
    public static final String JOURNAL_DROPPED_SEGMENTS = "gapless.journal.dropped_segments";
    public static final String JOURNAL_FORCES = "gapless.journal.forces";
    public static final String JOURNAL_LAST_FORCE_SECONDS = "gapless.journal.last_force_seconds";
    public static final String JOURNAL_FORCE_SECONDS = "gapless.journal.force_seconds";
    public static final String JOURNAL_FORCE_FAILED = "gapless.journal.force_failed";
    public static final String JOURNAL_SYNCER_ERRORS = "gapless.journal.syncer_errors";
    public static final String UPTIME_SECONDS = "gapless.agent.uptime_seconds";
    /** The entries of /health's degraded list: 0 while the agent is ok. */
    public static final String DEGRADED = "gapless.agent.degraded";

    /** Suffixes under {@code gapless.input.<id>.}. */
    public static final String[] INPUT = {"accepted", "rejected", "truncated", "invalid_utf8", "parse_failures",
        "bytes", "blocked", "skipped_tails", "files_not_followed", "multiline_matches_aborted", "connections_refused",
        "connections_evicted", "kernel_drops", "child_restarts", "last_event_at_seconds"};
    /** Suffixes under {@code gapless.output.<id>.}. */
    public static final String[] OUTPUT = {"acked_seq", "backlog_events", "delivered_records", "delivered_bytes",
        "failed_attempts", "rejected_records", "consecutive_failures", "last_ack_at_seconds", "in_flight_seconds",
        "oldest_unacked_age_seconds", "cursor_commit_failures", "sent_records", "retried_records", "skipped_records",
        "when_timeouts"};
    /** Suffixes under {@code gapless.filter.<id>.}. */
    public static final String[] FILTER = {"events", "dropped", "failures", "timeouts", "errors", "when_timeouts"};
    /** Timers under {@code gapless.output.<id>.}: Prometheus summaries with the id as a label. */
    public static final String[] OUTPUT_TIMERS = {"ack_latency_seconds"};

    private MetricNames() {
    }

    public static String input(String id, String suffix) {
        return "gapless.input." + id + "." + suffix;
    }

    public static String filter(String id, String suffix) {
        return "gapless.filter." + id + "." + suffix;
    }

    /** A filter's per-rule count: {@code gapless_filter_rule_matches{filter="<id>",rule="<rule>"}}. */
    public static String filterRule(String id, String rule) {
        return FILTER_RULE_PREFIX + id + "/" + rule;
    }

    /** The prefix of per-rule counts; the filter id and the rule name follow, split at a '/'. */
    public static final String FILTER_RULE_PREFIX = "gapless.filter_rule.";

    public static String output(String id, String suffix) {
        return "gapless.output." + id + "." + suffix;
    }
}
