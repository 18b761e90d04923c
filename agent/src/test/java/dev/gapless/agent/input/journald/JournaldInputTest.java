package dev.gapless.agent.input.journald;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.ByteSize;
import dev.gapless.config.input.journald.JournaldInputConfig;
import dev.gapless.config.input.journald.JournaldInputConfig.StartAt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journald input over real journal files (written by systemd-journal-remote) read by the machine's real
 * journalctl, into a real journal: mapping, start_at, resume after close and after the child is killed, rotation,
 * filters.
 */
class JournaldInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_700_000_000_000_000L;

    @TempDir
    Path dir;
    private Journal journal;
    private Path journals;
    private Path checkpoint;
    private JournaldInput input;

    @BeforeEach
    void setUp() throws IOException {
        JournalRemote.assumeAvailable();
        journal = TestJournals.open(dir.resolve("journal"));
        journals = Files.createDirectories(dir.resolve("journals"));
        checkpoint = Files.createDirectories(dir.resolve("inputs")).resolve("system.checkpoint");
    }

    @AfterEach
    void tearDown() {
        if (input != null) {
            input.close();
        }
        if (journal != null) {
            journal.close();
        }
    }

    private JournaldInputConfig config(StartAt startAt, List<String> units, List<String> identifiers,
                                       OptionalInt priority, String journalctl) {
        return new JournaldInputConfig("system", startAt, units, identifiers, priority, Optional.of(journals),
                journalctl, ByteSize.ofKibibytes(64), Duration.ofMillis(50), Optional.empty());
    }

    private JournaldInput start(JournaldInputConfig config) throws Exception {
        if (input != null) {
            input.close();
        }
        input = new JournaldInput(config, new JournalIngest(journal, Clock.systemUTC()), checkpoint, true,
                Clock.systemUTC());
        input.start();
        return input;
    }

    private JournaldInput start(StartAt startAt) throws Exception {
        return start(config(startAt, List.of(), List.of(), OptionalInt.empty(), "journalctl"));
    }

    /** Entries "m from" .. "m (to - 1)", of unit app.service, identifier app, priority info. */
    private static List<byte[]> entries(int from, int to) {
        List<byte[]> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(JournalRemote.entry(T0 + i, Map.of("MESSAGE", "m " + i, "SYSLOG_IDENTIFIER", "app",
                    "_SYSTEMD_UNIT", "app.service", "PRIORITY", "6", "_HOSTNAME", "h1", "_PID", "42")));
        }
        return out;
    }

    private static List<String> expected(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "m " + i).toList();
    }

    /** Every message in the journal, once the input accepted {@code n} events. */
    private List<String> awaitTexts(int n) throws InterruptedException {
        await(n + " events accepted", () -> input.stats().accepted.sum() >= n);
        return TestJournals.texts(records());
    }

    private List<JournalRecord> records() throws InterruptedException {
        return TestJournals.readAll(journal, 0, journal.headSeq());
    }

    private static JsonNode fields(JournalRecord r) throws IOException {
        return JSON.readTree(r.extra()).get("journald");
    }

    /** The checkpoint's cursor, once it names the entry with sequence number {@code i} of the file (1-based). */
    private void awaitCommitted(String what) throws InterruptedException {
        await("the checkpoint at " + what, () -> {
            try {
                JournaldCheckpoint.Position p = new JournaldCheckpoint(checkpoint, false).load();
                return p != null && p.cursor() != null && p.cursor().contains(what);
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void readsFromTheBeginningWithEveryFieldMappedAndBinaryMessagesKeptExactly() throws Exception {
        byte[] binary = {'b', 'i', 'n', (byte) 0xFF, '\n', 'x'};
        List<byte[]> in = new ArrayList<>(entries(0, 2));
        Map<String, Object> odd = new LinkedHashMap<>();
        odd.put("MESSAGE", binary);
        odd.put("SYSLOG_IDENTIFIER", "odd");
        in.add(JournalRemote.entry(T0 + 2, odd));
        JournalRemote.write(journals.resolve("a.journal"), in);

        start(StartAt.BEGINNING);
        assertThat(awaitTexts(3)).hasSize(3).startsWith("m 0", "m 1");
        List<JournalRecord> records = records();
        JsonNode f = fields(records.get(0));
        assertThat(records.get(0).eventTimeNanos()).isEqualTo(T0 * 1000);
        assertThat(f.get("_systemd_unit").asText()).isEqualTo("app.service");
        assertThat(f.get("syslog_identifier").asText()).isEqualTo("app");
        assertThat(f.get("priority").asText()).isEqualTo("6");
        assertThat(f.get("_hostname").asText()).isEqualTo("h1");
        assertThat(f.get("_pid").asText()).isEqualTo("42");
        assertThat(f.get("__realtime_timestamp").asText()).isEqualTo(Long.toString(T0));
        assertThat(f.get("__cursor").asText()).contains(";i=1;");
        assertThat(f.has("message")).as("the message is the event's message, not a field").isFalse();

        JournalRecord odd2 = records.get(2);
        assertThat(odd2.message()).containsExactly(binary);
        assertThat(odd2.tags() & dev.gapless.agent.event.Tags.INVALID_UTF8).isNotZero();
        assertThat(Base64.getDecoder().decode(fields(odd2).get("message_base64").asText())).containsExactly(binary);
        System.out.println("journald: 3 entries read from a real journal file, binary message kept exactly");
    }

    @Test
    void startAtEndSkipsWhatWasThereAndAResumeAfterCloseReadsNothingTwice() throws Exception {
        Path file = journals.resolve("a.journal");
        JournalRemote.write(file, entries(0, 3));
        start(StartAt.END);
        assertThat(new JournaldCheckpoint(checkpoint, false).load().cursor()).as("saved before any entry")
                .contains(";i=3;");
        JournalRemote.write(file, entries(3, 6));
        assertThat(awaitTexts(3)).containsExactlyElementsOf(expected(3, 6));
        awaitCommitted(";i=6;");
        input.close();
        input = null;

        JournalRemote.write(file, entries(6, 9));
        start(StartAt.END); // the checkpoint decides now, not start_at
        await("6 events in the journal", () -> journal.headSeq() >= 6);
        await("the resumed input's 3", () -> input.stats().accepted.sum() >= 3);
        assertThat(TestJournals.texts(records())).containsExactlyElementsOf(expected(3, 9));
    }

    @Test
    void aFirstStartAtEndThatStopsBeforeAnyEntryStillReadsWhatCameMeanwhile() throws Exception {
        Path file = journals.resolve("a.journal");
        JournalRemote.write(file, entries(0, 2));
        start(StartAt.END);
        input.close();
        input = null;
        JournalRemote.write(file, entries(2, 4));
        start(StartAt.END);
        assertThat(awaitTexts(2)).containsExactlyElementsOf(expected(2, 4));
    }

    @Test
    void followsARotationToANewFile() throws Exception {
        JournalRemote.write(journals.resolve("a.journal"), entries(0, 3));
        start(StartAt.BEGINNING);
        awaitTexts(3);
        // journald's rotation: the active file is archived under a new name, a new one takes its place
        Files.move(journals.resolve("a.journal"),
                journals.resolve("a@0123456789abcdef0123456789abcdef-0000000000000001-0005f0000000000a.journal"));
        JournalRemote.write(journals.resolve("a.journal"), entries(3, 6));
        JournalRemote.write(journals.resolve("b.journal"), entries(6, 8));
        assertThat(awaitTexts(8)).containsExactlyElementsOf(expected(0, 8));
        assertThat(input.stats().childRestarts.sum()).isZero();
    }

    @Test
    void aKilledJournalctlIsStartedAgainCountedAndNothingIsLostOrReadTwice() throws Exception {
        Path file = journals.resolve("a.journal");
        JournalRemote.write(file, entries(0, 3));
        start(StartAt.BEGINNING);
        awaitTexts(3);
        long first = input.childPid();
        assertThat(ProcessHandle.of(first).orElseThrow().destroyForcibly()).isTrue();
        await("journalctl started again", () -> input.childPid() > 0 && input.childPid() != first);
        assertThat(input.stats().childRestarts.sum()).isEqualTo(1);
        JournalRemote.write(file, entries(3, 6));
        assertThat(awaitTexts(6)).containsExactlyElementsOf(expected(0, 6));
        assertThat(ProcessHandle.of(first)).as("the killed child was reaped").isEmpty();
    }

    @Test
    void aJournalctlThatCannotStartIsRetriedWithBackoffAndCounted() throws Exception {
        start(config(StartAt.BEGINNING, List.of(), List.of(), OptionalInt.empty(),
                dir.resolve("no-such-journalctl").toString()));
        await("two restarts", () -> input.stats().childRestarts.sum() >= 2);
        assertThat(input.stats().accepted.sum()).isZero();
    }

    @Test
    void filtersByUnitIdentifierAndPriority() throws Exception {
        List<byte[]> in = new ArrayList<>();
        String[][] rows = {
            {"a.service", "app", "3", "a err"}, {"a.service", "app", "6", "a info"}, {"b.service", "app", "3", "b err"},
            {"a.service", "other", "2", "a other crit"}, {"a.service", "app", "4", "a warning"}};
        for (int i = 0; i < rows.length; i++) {
            in.add(JournalRemote.entry(T0 + i, Map.of("_SYSTEMD_UNIT", rows[i][0], "SYSLOG_IDENTIFIER", rows[i][1],
                    "PRIORITY", rows[i][2], "MESSAGE", rows[i][3])));
        }
        JournalRemote.write(journals.resolve("a.journal"), in);
        start(config(StartAt.BEGINNING, List.of("a.service"), List.of("app"), OptionalInt.of(4), "journalctl"));
        assertThat(awaitTexts(2)).containsExactly("a err", "a warning");
        // one more entry that passes: the ones before it were all seen, none of the others came
        JournalRemote.write(journals.resolve("a.journal"), List.of(JournalRemote.entry(T0 + 9,
                Map.of("_SYSTEMD_UNIT", "a.service", "SYSLOG_IDENTIFIER", "app", "PRIORITY", "0", "MESSAGE", "z"))));
        assertThat(awaitTexts(3)).containsExactly("a err", "a warning", "z");
    }

    @Test
    void recordsThePositionBeforeWhatIsNotDurable() throws Exception {
        JournalRemote.write(journals.resolve("a.journal"), entries(0, 4));
        start(StartAt.BEGINNING);
        awaitTexts(4);
        awaitCommitted(";i=4;");
        assertThat(input.committed().cursor()).contains(";i=4;");
        String text = new String(Files.readAllBytes(checkpoint), StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith("GLJC");
    }

    @Test
    void malformedEntriesFromJournalctlAreCountedRejectedAndTheGoodOnesAroundThemKept() throws Exception {
        // journalctl itself writes no malformed export: a script in its place writes the bytes, then waits
        Path export = dir.resolve("bad.export");
        byte[] badLength = concat("MESSAGE\n".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, 0},
                "abc\n\n".getBytes(StandardCharsets.US_ASCII));
        Files.write(export, concat(text("__CURSOR=c1\nMESSAGE=m 0\n\n"), badLength,
                text("__CURSOR=c2\nMESSAGE=m 1\n\nbad name=x\n\n__CURSOR=c3\nMESSAGE=m 2\n\n")));
        Path script = dir.resolve("journalctl.sh");
        Files.writeString(script, "#!/bin/sh\ncat '" + export + "'\nexec sleep 60\n");
        script.toFile().setExecutable(true, true);
        start(config(StartAt.BEGINNING, List.of(), List.of(), OptionalInt.empty(), script.toString()));
        assertThat(awaitTexts(3)).containsExactlyElementsOf(expected(0, 3));
        await("2 rejected", () -> input.stats().rejected.sum() == 2);
        awaitCommitted("c3");
        assertThat(input.stats().childRestarts.sum()).isZero();
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
