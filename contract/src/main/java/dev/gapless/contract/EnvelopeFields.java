package dev.gapless.contract;

/**
 * The delivered envelope, version 1 ({@code codec: json_lines}): one JSON object a line, written by the agent's
 * encoder and read by {@code gapless audit} and by anyone downstream. The names here are the contract, documented
 * field by field in docs/architecture.md; within a version fields are only added, and readers ignore fields they do
 * not know.
 */
public final class EnvelopeFields {

    /** The version written in {@link #V}. */
    public static final int VERSION = 1;

    public static final String V = "v";
    public static final String KIND = "kind";
    public static final String AGENT_ID = "agent_id";
    public static final String BOOT_ID = "boot_id";
    public static final String SEQ = "seq";
    public static final String HOST = "host";
    public static final String SOURCE = "source";
    public static final String RECEIVED_AT = "received_at";
    public static final String EVENT_TIME = "event_time";
    public static final String MESSAGE = "message";
    public static final String FIELDS = "fields";
    public static final String TAGS = "tags";
    /** The body of a {@code kind: heartbeat} record. */
    public static final String HEARTBEAT = "heartbeat";
    /** The body of a {@code kind: loss} record. */
    public static final String LOSS = "loss";
    /**
     * The body of a {@code kind: skipped} record: {@link #FROM_SEQ}, {@link #TO_SEQ} and {@link #COUNT} of a run of
     * events an output's {@code when:} left out. Its {@link #SEQ} is the run's {@code to_seq}.
     */
    public static final String SKIPPED = "skipped";

    /** In a heartbeat's body: the journal's durable head when the heartbeat was encoded for delivery. */
    public static final String HEAD_SEQ = "head_seq";
    /** In a loss marker's body: the first seq lost (in a skipped record's: the first seq skipped). */
    public static final String FROM_SEQ = "from_seq";
    /** In a loss marker's body: the last seq lost (inclusive), or null when unknown. */
    public static final String TO_SEQ = "to_seq";

    /** In a loss marker's body: how many events were lost, when known (in a skipped record's: skipped). */
    public static final String COUNT = "count";
    /** In a loss marker's body: why ({@code drop_oldest}, {@code corrupt_record}, {@code damaged_tail}…). */
    public static final String REASON = "reason";
    /** In a loss marker's body, for {@code rejected}: the output whose destination refused. */
    public static final String OUTPUT = "output";

    /** The values of {@link #KIND}. */
    public static final String KIND_EVENT = "event";
    public static final String KIND_HEARTBEAT = "heartbeat";
    public static final String KIND_LOSS = "loss";
    public static final String KIND_SKIPPED = "skipped";

    /** The {@link #SOURCE} of the records the agent writes itself (heartbeats, loss markers). */
    public static final String AGENT_SOURCE = "_agent";

    private EnvelopeFields() {
    }
}
