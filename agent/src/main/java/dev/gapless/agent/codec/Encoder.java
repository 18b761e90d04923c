package dev.gapless.agent.codec;

import dev.gapless.agent.journal.JournalRecord;
import java.io.IOException;

/** Writes journal records in an output's wire format, one line each. One instance per output worker. */
public interface Encoder {

    /** Appends {@code record} (and its newline) to {@code out}; may write nothing for records the format omits. */
    void encode(JournalRecord record, ByteSink out) throws IOException;

    /**
     * Appends the record declaring {@code run} (and its newline) to {@code out}: a run of events the output's
     * {@code when:} left out. A format with no place for it writes nothing (the default).
     */
    default void encodeSkipped(SkippedRun run, ByteSink out) throws IOException {
    }
}
