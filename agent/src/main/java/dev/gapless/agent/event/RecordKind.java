package dev.gapless.agent.event;

/** What a journal record is. Every kind takes a sequence number, so a delivered stream is dense. */
public enum RecordKind {
    /** An event from an input. */
    EVENT(0, "event"),
    /** The agent's periodic sign of life, carrying its head seq. */
    HEARTBEAT(1, "heartbeat"),
    /** A declaration that a range of sequence numbers is knowingly lost, and why. */
    LOSS(2, "loss");

    private final int code;
    private final String wireName;

    RecordKind(int code, String wireName) {
        this.code = code;
        this.wireName = wireName;
    }

    public int code() {
        return code;
    }

    public String wireName() {
        return wireName;
    }

    /** @return the kind, or null for a code this version does not know */
    public static RecordKind ofCode(int code) {
        return switch (code) {
            case 0 -> EVENT;
            case 1 -> HEARTBEAT;
            case 2 -> LOSS;
            default -> null;
        };
    }
}
