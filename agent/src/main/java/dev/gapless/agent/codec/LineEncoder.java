package dev.gapless.agent.codec;

import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.journal.JournalRecord;

/**
 * {@code codec: line}: the original message bytes and a newline, nothing else. Heartbeats and loss markers
 * are not written (a line stream has no place for them), so such a stream cannot be audited.
 */
public final class LineEncoder implements Encoder {

    @Override
    public void encode(JournalRecord record, ByteSink out) {
        if (record.kind() != RecordKind.EVENT) {
            return;
        }
        out.write(record.data(), record.messageOffset(), record.messageLength());
        out.write('\n');
    }
}
