package dev.gapless.agent.input.file;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.StepClock;
import dev.gapless.agent.event.Tags;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.ByteSize;
import dev.gapless.config.input.file.FileInputConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file input's {@code multiline} joining over real files and a real journal, stepped by the test on a
 * {@link StepClock} (the timeout is driven, never waited for), but for one test on the input's own thread.
 */
class FileMultilineTest {

    private static final String START = "^\\d{4}-\\d{2}-\\d{2} ";

    private static final String JAVA = """
            2026-12-01 10:00:00 INFO starting
            2026-12-01 10:00:01 ERROR request failed
            java.lang.IllegalStateException: outer
            \tat com.example.Handler.run(Handler.java:10)
            \tat com.example.Server.call(Server.java:20)
            Caused by: java.io.IOException: inner
            \tat com.example.Reader.read(Reader.java:30)
            \t... 2 more
            2026-12-01 10:00:02 ERROR boom
            Traceback (most recent call last):
              File "app.py", line 3, in <module>
                main()
            ValueError: bad value
            2026-12-01 10:00:03 INFO next
            """;

    @TempDir
    Path dir;

    private final StepClock clock = new StepClock();
    private Journal journal;
    private Path logs;
    private Path file;
    private Path checkpoint;
    private FileInput input;

    @BeforeEach
    void setUp() throws IOException {
        journal = TestJournals.open(dir.resolve("journal"));
        logs = Files.createDirectories(dir.resolve("logs"));
        file = logs.resolve("app.log");
        checkpoint = dir.resolve("inputs").resolve("app.checkpoint");
        Files.createDirectories(checkpoint.getParent());
    }

    @AfterEach
    void tearDown() {
        if (input != null) {
            input.close();
        }
        journal.close();
    }

    private static FileInputConfig config(Path path, int maxLine, FileInputConfig.Multiline multiline,
                                          Duration poll) {
        return new FileInputConfig("app", path, List.of(), FileInputConfig.StartAt.BEGINNING,
                ByteSize.ofBytes(maxLine), poll, Duration.ofSeconds(10), 1024,
                FileInputConfig.DEFAULT_FINGERPRINT_BYTES, Duration.ZERO, Optional.of(multiline), Optional.empty());
    }

    private static FileInputConfig.Multiline multiline(String pattern, int maxLines, int maxBytes) {
        return new FileInputConfig.Multiline(pattern, maxLines, ByteSize.ofBytes(maxBytes), Duration.ofSeconds(1));
    }

    /** A new input (the previous one closed, its held event not emitted), its checkpoint loaded, first scan done. */
    private FileInput input(FileInputConfig config) {
        if (input != null) {
            input.close();
        }
        // poll_interval 1ns: a file found at its end is looked at again by the very next step
        input = new FileInput(config, new JournalIngest(journal, Clock.systemUTC()), checkpoint, true, clock);
        input.restore();
        input.scan();
        return input;
    }

    private FileInput input(Path path, FileInputConfig.Multiline multiline) {
        return input(config(path, 1024, multiline, Duration.ofNanos(1)));
    }

    private FileInput input() {
        return input(file, multiline(START, 500, 64 * 1024));
    }

    /** Steps until nothing more is read, everything read durable and checkpointed. */
    private static void drain(FileInput in) throws Exception {
        for (int round = 0; round < 10_000; round++) {
            assertThat(in.flush(TestJournals.DEADLINE.toMillis())).isTrue();
            boolean read = false;
            for (int i = 0; i < 100_000 && in.step(); i++) {
                read = true;
            }
            if (!read) {
                assertThat(in.flush(TestJournals.DEADLINE.toMillis())).isTrue();
                return;
            }
        }
    }

    private static void append(Path f, String s) throws IOException {
        Files.writeString(f, s, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private void append(String s) throws IOException {
        append(file, s);
    }

    private List<JournalRecord> records() throws InterruptedException {
        return TestJournals.readAll(journal, 0, journal.headSeq());
    }

    private List<String> texts() throws InterruptedException {
        return TestJournals.texts(records());
    }

    private long checkpointOffset() throws IOException {
        return new FileCheckpoint(checkpoint, false).load().get(0).offset();
    }

    private static String event(String text) {
        return text.stripTrailing();
    }

    @Test
    void javaStackTracesAndPythonTracebacksJoinIntoOneEventEach() throws Exception {
        append(JAVA);
        FileInput in = input();
        drain(in);
        String[] parts = JAVA.split("(?m)^(?=2026)");
        assertThat(texts()).containsExactly(event(parts[0]), event(parts[1]), event(parts[2]));
        assertThat(texts().get(1)).startsWith("2026-12-01 10:00:01 ERROR request failed\njava.lang.")
                .contains("\nCaused by: java.io.IOException: inner\n\tat com.example.Reader")
                .endsWith("\n\t... 2 more");
        List<JournalRecord> records = records();
        long pastTrace = (parts[0] + parts[1]).getBytes(StandardCharsets.UTF_8).length;
        assertThat(records.get(1).sourcePosition()).as("the position just past its last line").isEqualTo(pastTrace);
        assertThat(records).allSatisfy(r -> assertThat(r.tags()).isZero());
        long heldFrom = JAVA.length() - parts[3].length();
        assertThat(checkpointOffset()).as("the held last event's first line is not passed").isEqualTo(heldFrom);
        append("java.lang.Error: more\n2026-12-01 10:00:04 INFO after\n");
        drain(in);
        assertThat(texts()).hasSize(4).last()
                .isEqualTo("2026-12-01 10:00:03 INFO next\njava.lang.Error: more");
        System.out.printf("multiline: %d lines joined into %d events%n", JAVA.split("\n").length + 1,
                texts().size());
    }

    @Test
    void heldEventIsEmittedOnceTheWriterPausesForTheTimeout() throws Exception {
        append("2026-12-01 10:00:00 ERROR failed\njava.lang.RuntimeException: x\n\tat a.B.c(B.java:1)\n");
        FileInput in = input();
        drain(in);
        assertThat(texts()).isEmpty();
        clock.advance(Duration.ofMillis(999));
        drain(in);
        assertThat(texts()).as("not before the timeout").isEmpty();
        clock.advance(Duration.ofMillis(1));
        drain(in);
        assertThat(texts()).containsExactly(
                "2026-12-01 10:00:00 ERROR failed\njava.lang.RuntimeException: x\n\tat a.B.c(B.java:1)");
        assertThat(checkpointOffset()).isEqualTo(Files.size(file));
        // a line continuing it after the timeout has no event to join: it is one of its own
        append("\tat late.Line(L.java:2)\n2026-12-01 10:00:05 INFO next\n");
        drain(in);
        assertThat(texts()).hasSize(2).last().isEqualTo("\tat late.Line(L.java:2)");
    }

    @Test
    void timeoutEmitsTheLastEventOnTheInputsOwnThread() throws Exception {
        FileInputConfig.Multiline ml = new FileInputConfig.Multiline(START, 500, ByteSize.ofKibibytes(64),
                Duration.ofMillis(50));
        FileInputConfig config = config(file, 1024, ml, Duration.ofMillis(5));
        input = new FileInput(config, new JournalIngest(journal, Clock.systemUTC()), checkpoint, true,
                Clock.systemUTC());
        input.start();
        append("2026-12-01 10:00:00 ERROR failed\n\tat a.B.c(B.java:1)\n");
        await("the held event emitted after its timeout", () -> input.stats().accepted.sum() == 1);
        assertThat(texts()).containsExactly("2026-12-01 10:00:00 ERROR failed\n\tat a.B.c(B.java:1)");
    }

    @Test
    void eventAtMaxLinesIsCutTaggedTruncatedAndItsRestBeginsTheNext() throws Exception {
        append("2026-12-01 S\nc1\nc2\nc3\nc4\nc5\n2026-12-01 T\n");
        FileInput in = input(file, multiline(START, 3, 64 * 1024));
        drain(in);
        List<JournalRecord> records = records();
        assertThat(TestJournals.texts(records)).containsExactly("2026-12-01 S\nc1\nc2", "c3\nc4\nc5");
        assertThat(records.get(0).tags()).isEqualTo(Tags.TRUNCATED);
        assertThat(records.get(1).tags()).isZero();
        assertThat(in.stats().truncated.sum()).isEqualTo(1);
    }

    @Test
    void eventAtMaxBytesIsCutTaggedTruncatedButAFirstLineIsTakenWhole() throws Exception {
        String longFirst = "2026-12-01 " + "x".repeat(40); // 51 bytes: longer than max_bytes, within max_line_bytes
        append("2026-12-01 S\nc1234\nc5678\n" + longFirst + "\nnext\n2026-12-01 E\n");
        FileInput in = input(file, multiline(START, 500, 20));
        drain(in);
        List<JournalRecord> records = records();
        assertThat(TestJournals.texts(records)).containsExactly("2026-12-01 S\nc1234", "c5678", longFirst, "next");
        assertThat(records).extracting(JournalRecord::tags).containsExactly(Tags.TRUNCATED, 0, Tags.TRUNCATED, 0);
        assertThat(in.stats().truncated.sum()).isEqualTo(2);
    }

    @Test
    void restartWithAnEventHeldRebuildsItWholeExactlyOnce() throws Exception {
        append("2026-12-01 first\n2026-12-01 second\njava.lang.Exception: one\n\tat a.B(B.java:1)\n");
        drain(input());
        assertThat(texts()).containsExactly("2026-12-01 first");
        long firstLength = "2026-12-01 first\n".length();
        assertThat(checkpointOffset()).isEqualTo(firstLength);
        input.close(); // the held event is not emitted: the checkpoint is at its first line
        assertThat(checkpointOffset()).isEqualTo(firstLength);
        append("Caused by: java.io.IOException: two\n\tat c.D(D.java:2)\n2026-12-01 third\n");
        drain(input());
        assertThat(texts()).containsExactly("2026-12-01 first", "2026-12-01 second\njava.lang.Exception: one\n"
                + "\tat a.B(B.java:1)\nCaused by: java.io.IOException: two\n\tat c.D(D.java:2)");
    }

    @Test
    void heldEventAfterALineCutMidwayIsRebuiltAfterARestartWithoutTheCutLinesRest() throws Exception {
        append("2026-12-01 a\n2026-12-01 b-too-long-and-not-ended"); // cut at 16 bytes while its newline is unwritten
        FileInput in = input(config(file, 16, multiline(START, 500, 1024), Duration.ofNanos(1)));
        drain(in);
        append("-the-rest\n2026-12-01 c\n\tc continued\n");
        drain(in);
        assertThat(texts()).containsExactly("2026-12-01 a", "2026-12-01 b-too");
        in.close(); // the checkpoint is inside the cut line, just before "2026-12-01 c"
        append("2026-12-01 d\n");
        drain(input(config(file, 16, multiline(START, 500, 1024), Duration.ofNanos(1))));
        assertThat(texts()).containsExactly("2026-12-01 a", "2026-12-01 b-too", "2026-12-01 c\n\tc continued");
    }

    @Test
    void fileRotatedWithAnEventHeldIsFinishedWithItsLateLinesInTheEvent() throws Exception {
        append("2026-12-01 before\n2026-12-01 failing\n\tat a.B(B.java:1)\n");
        FileInput in = input(logs.resolve("*.log"), multiline(START, 500, 64 * 1024));
        drain(in);
        Path rotated = logs.resolve("app.log.1"); // out of the glob
        Files.move(file, rotated);
        append(rotated, "\tat c.D(D.java:2)\n"); // the writer finishes its trace in the renamed file
        append("2026-12-01 new file\n");
        in.scan();
        drain(in);
        assertThat(texts()).containsExactly("2026-12-01 before", "2026-12-01 failing\n\tat a.B(B.java:1)\n"
                + "\tat c.D(D.java:2)");
        assertThat(in.following()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        drain(in);
        assertThat(texts()).hasSize(3).last().isEqualTo("2026-12-01 new file");
    }

    @Test
    void hostilePatternIsAbandonedOnALineCountedAndNothingIsLost() throws Exception {
        String hostile = "a".repeat(40) + "!"; // (a+)+\1$ backtracks exponentially on it (a backreference: no memo)
        append("START ok\n" + hostile + "\nSTART next\n");
        FileInput in = input(file, multiline("^START|^(a+)+\\1$", 500, 64 * 1024));
        long t0 = System.nanoTime();
        drain(in);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(in.stats().multilineAborted.sum()).isEqualTo(1);
        assertThat(texts()).containsExactly("START ok\n" + hostile);
        clock.advance(Duration.ofSeconds(1));
        drain(in);
        assertThat(texts()).containsExactly("START ok\n" + hostile, "START next");
        System.out.printf("multiline: a backtracking match abandoned, %d ms for the file%n", ms);
    }
}
