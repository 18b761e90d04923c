package dev.gapless.agent.otlp;

/**
 * The keys of {@code fields.otlp}, where the otlp input keeps what a log record carries besides its body, and the
 * otlp output reads it back: one list for both sides, so a record that crosses two agents keeps its shape.
 */
public final class OtlpFields {

    /** The object under {@code fields} that holds the keys below. */
    public static final String OTLP = "otlp";
    public static final String SEVERITY_NUMBER = "severity_number";
    public static final String SEVERITY_TEXT = "severity_text";
    /** The record's attributes, as a JSON object. */
    public static final String ATTRIBUTES = "attributes";
    /** The resource's attributes, as a JSON object. */
    public static final String RESOURCE = "resource";
    /** {@code name}, {@code version} and {@code attributes} of the instrumentation scope. */
    public static final String SCOPE = "scope";
    public static final String SCOPE_NAME = "name";
    public static final String SCOPE_VERSION = "version";
    /** Lower-case hex, as OTLP/JSON writes them. */
    public static final String TRACE_ID = "trace_id";
    public static final String SPAN_ID = "span_id";
    public static final String FLAGS = "flags";
    public static final String EVENT_NAME = "event_name";
    /** The record's {@code observed_time_unix_nano}, when set (its {@code time_unix_nano} is the event time). */
    public static final String OBSERVED_TIME_UNIX_NANO = "observed_time_unix_nano";
    public static final String DROPPED_ATTRIBUTES_COUNT = "dropped_attributes_count";

    /** Attributes the otlp output adds to every record, so a receiver can de-duplicate and audit the stream. */
    public static final String AGENT_ID_ATTRIBUTE = "gapless.agent_id";
    public static final String SEQ_ATTRIBUTE = "gapless.seq";
    public static final String SOURCE_ATTRIBUTE = "gapless.source";
    public static final String HOST_ATTRIBUTE = "gapless.host";

    private OtlpFields() {
    }
}
