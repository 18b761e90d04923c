package dev.gapless.agent.input.journald;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.journal.MessageBatch;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Fuzz target of the journald input's reading: journalctl's export stream through {@link ExportReader} and each entry
 * through {@link JournaldEvents}. A plain build replays the corpus in
 * {@code src/test/resources/dev/gapless/agent/input/journald/ExportReaderFuzzTestInputs/<method>/} (export streams
 * written by the machine's journalctl from journal files made by systemd-journal-remote, and what fuzzing found);
 * {@code JAZZER_FUZZ=1} fuzzes it. What must hold for any bytes: the reader ends, every entry it answers becomes
 * exactly one event, the message stays within the entry budget and the fields are one JSON object within theirs.
 */
class ExportReaderFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    // large enough that values past U+FFFF, escaped, could pass the fields budget (the reader keeps as much again)
    private static final int MAX_ENTRY = 48 * 1024;

    @FuzzTest
    void anyExportStreamReadsIntoBoundedEventsAndEnds(byte[] stream) throws IOException {
        ExportReader reader = new ExportReader(new ByteArrayInputStream(stream), MAX_ENTRY);
        JournaldEvents events = new JournaldEvents(MAX_ENTRY);
        MessageBatch out = new MessageBatch(64);
        int results = 0;
        ExportReader.Result r;
        while ((r = reader.next()) != ExportReader.Result.END) {
            results++;
            // each answer but END reads at least one byte: more answers than bytes is a reader that does not end
            assertThat(results).isLessThanOrEqualTo(stream.length);
            if (r == ExportReader.Result.MALFORMED) {
                assertThat(reader.error()).isNotBlank();
                continue;
            }
            int before = out.size();
            events.add(reader.fields(), out);
            assertThat(out.size()).as("one event per entry").isEqualTo(before + 1);
            int i = out.size() - 1;
            assertThat(out.length(i)).isLessThanOrEqualTo(MAX_ENTRY);
            assertThat(out.fieldsLength(i)).as("fields within what the message leaves of the budget")
                    .isLessThanOrEqualTo(MAX_ENTRY - out.length(i) + JournaldEvents.FIELDS_SLACK);
            JsonNode fields = JSON.readTree(out.fieldsArray(), out.fieldsOffset(i), out.fieldsLength(i));
            assertThat(fields.isObject() && fields.get("journald").isObject()).isTrue();
            assertThat(out.eventTimeNanos(i)).isGreaterThanOrEqualTo(0);
        }
        assertThat(reader.bytesRead()).isLessThanOrEqualTo(stream.length);
    }
}
