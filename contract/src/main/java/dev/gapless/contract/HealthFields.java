package dev.gapless.contract;

/**
 * The agent's {@code GET /health} document, contract version 1: the field names the agent renders and the
 * watchdog reads (documented in docs/architecture.md, "/health"). Within a version fields are only added; a
 * reader requires the fields of the version it knows and ignores the others, so a newer watchdog adopts an older
 * agent of the same version and the reverse. A document without {@link #CONTRACT} predates the field and is
 * version 1.
 */
public final class HealthFields {

    /** The version written in {@link #CONTRACT}. */
    public static final int VERSION = 1;

    public static final String CONTRACT = "contract";
    public static final String STATUS = "status";
    public static final String STATUS_OK = "ok";
    public static final String STATUS_DEGRADED = "degraded";
    /** The list of {@link DegradedReason}s; added within version 1, absent from older agents. */
    public static final String DEGRADED = "degraded";
    public static final String REASON = "reason";
    public static final String SINCE = "since";
    public static final String DETAIL = "detail";
    public static final String OUTPUT = "output";
    public static final String INPUT = "input";

    public static final String VERSION_FIELD = "version";
    public static final String PID = "pid";
    public static final String AGENT_ID = "agent_id";
    public static final String BOOT_ID = "boot_id";
    public static final String NOW = "now";
    public static final String UPTIME_MS = "uptime_ms";

    public static final String JOURNAL = "journal";
    public static final String HEAD_SEQ = "head_seq";
    public static final String DURABLE_SEQ = "durable_seq";
    public static final String DISK_BYTES = "disk_bytes";
    public static final String MAX_BYTES = "max_bytes";
    public static final String FULL = "full";
    public static final String FULL_REASON = "full_reason";

    public static final String INPUTS = "inputs";
    public static final String TYPE = "type";
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";
    public static final String LAST_EVENT_AT = "last_event_at";

    public static final String OUTPUTS = "outputs";
    public static final String DESTINATION = "destination";
    public static final String ACKED_SEQ = "acked_seq";
    public static final String BACKLOG_EVENTS = "backlog_events";
    public static final String BACKLOG_BYTES = "backlog_bytes";
    public static final String LAST_ACK_AT = "last_ack_at";
    public static final String LAST_ATTEMPT_AT = "last_attempt_at";
    public static final String IN_FLIGHT_SINCE = "in_flight_since";
    public static final String CONSECUTIVE_FAILURES = "consecutive_failures";
    public static final String LAST_ERROR = "last_error";
    public static final String LAST_ERROR_KIND = "last_error_kind";

    /** {@link #LAST_ERROR_KIND}: the destination answered with an error (an HTTP status); it was reached. */
    public static final String ERROR_REFUSED = "refused";
    /** {@link #LAST_ERROR_KIND}: the destination could not be reached (connect failed, reset). */
    public static final String ERROR_UNREACHABLE = "unreachable";
    /** {@link #LAST_ERROR_KIND}: connected, no answer in time. */
    public static final String ERROR_TIMEOUT = "timeout";
    /** {@link #LAST_ERROR_KIND}: a permanent refusal; the batch was dead-lettered. */
    public static final String ERROR_REJECTED = "rejected";
    /** {@link #LAST_ERROR_KIND}: the output's cursor cannot be written (the agent's own disk). */
    public static final String ERROR_CURSOR_COMMIT = "cursor_commit";
    /** {@link #LAST_ERROR_KIND}: the agent's own code failed the send (a bug), not the destination. */
    public static final String ERROR_INTERNAL = "internal";

    private HealthFields() {
    }
}
