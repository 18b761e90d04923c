package dev.gapless.config;

/** How an output writes an event. */
public enum Codec {
    /** One JSON object a line: the envelope (agent_id, seq, …) and the message. Auditable. */
    JSON_LINES,
    /** The original message bytes and a newline, nothing else. Cannot be audited. */
    LINE
}
