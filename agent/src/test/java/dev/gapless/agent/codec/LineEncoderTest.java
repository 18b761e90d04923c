package dev.gapless.agent.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.journal.JournalRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineEncoderTest {

    private static JournalRecord record(RecordKind kind, String message) {
        return new JournalRecord(kind, 1, 0, 0, 0, 0, -1, 0, "app", message.getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8), 0);
    }

    @Test
    void writesMessageBytesAndNewlineAndSkipsAgentRecords() {
        LineEncoder encoder = new LineEncoder();
        ByteSink out = new ByteSink(1);
        encoder.encode(record(RecordKind.EVENT, "one"), out);
        encoder.encode(record(RecordKind.HEARTBEAT, ""), out);
        encoder.encode(record(RecordKind.LOSS, ""), out);
        encoder.encode(record(RecordKind.EVENT, "twö"), out);
        assertThat(new String(out.array(), 0, out.length(), StandardCharsets.UTF_8)).isEqualTo("one\ntwö\n");
    }

    @Test
    void keepsInvalidBytesAsReceived() {
        ByteSink out = new ByteSink(4);
        new LineEncoder().encode(new JournalRecord(RecordKind.EVENT, 1, 0, 0, 0, 0, -1, 0, "app",
                new byte[] {(byte) 0xFF, 'x'}, new byte[0], 0), out);
        assertThat(java.util.Arrays.copyOf(out.array(), out.length())).containsExactly((byte) 0xFF, 'x', '\n');
    }
}
