package dev.gapless.agent.journal;

/** A journal record that fails its checks: wrong length, unknown version, CRC mismatch. */
public final class CorruptRecordException extends Exception {

    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
        super(message, null, false, false);
    }
}
