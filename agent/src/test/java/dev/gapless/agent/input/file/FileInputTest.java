package dev.gapless.agent.input.file;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gapless.agent.StepClock;
import dev.gapless.agent.event.Tags;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalHooks;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.ByteSize;
import dev.gapless.config.input.file.FileInputConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The file input over real files in a temp folder and a real journal, stepped by the test (no thread, no sleep). */
class FileInputTest {

    @TempDir
    Path dir;

    private Journal journal;
    private Path logs;
    private Path file;
    private Path checkpoint;
    private FileInput input;
    private final CountDownLatch releaseForces = new CountDownLatch(1);
    /** The input's clock (rotate_wait): moved by the tests, never by time passing. */
    private final StepClock clock = new StepClock();

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
        releaseForces.countDown();
        if (input != null) {
            input.close();
        }
        journal.close();
    }

    private static FileInputConfig config(Path path, List<String> exclude, FileInputConfig.StartAt startAt,
                                          int maxLine, int maxFiles) {
        return config(path, exclude, startAt, maxLine, maxFiles, Duration.ZERO);
    }

    private static FileInputConfig config(Path path, List<String> exclude, FileInputConfig.StartAt startAt,
                                          int maxLine, int maxFiles, Duration rotateWait) {
        // poll_interval 1ns: a file found at its end is looked at again by the very next step
        return new FileInputConfig("app", path, exclude, startAt, ByteSize.ofBytes(maxLine), Duration.ofNanos(1),
                Duration.ofSeconds(10), maxFiles, FileInputConfig.DEFAULT_FINGERPRINT_BYTES, rotateWait,
                Optional.empty(), Optional.empty());
    }

    /** A new input (the previous one closed: a clean restart), its checkpoint loaded and its first scan done. */
    private FileInput input(FileInputConfig config, long maxInFlight) {
        if (input != null) {
            input.close();
        }
        input = new FileInput(config, new JournalIngest(journal, Clock.systemUTC()), checkpoint, true, clock,
                maxInFlight);
        input.restore();
        input.scan();
        return input;
    }

    private FileInput input(Path path, FileInputConfig.StartAt startAt, int maxLine) {
        return input(config(path, List.of(), startAt, maxLine, 1024), FileInput.MAX_IN_FLIGHT_BYTES);
    }

    private FileInput input() {
        return input(file, FileInputConfig.StartAt.BEGINNING, 1024);
    }

    private FileInput globInput(String glob, String... exclude) {
        return input(config(logs.resolve(glob), List.of(exclude), FileInputConfig.StartAt.BEGINNING, 1024, 1024),
                FileInput.MAX_IN_FLIGHT_BYTES);
    }

    /**
     * Steps the input until it finds nothing more, waiting (bounded) for what it read to become durable and be
     * checkpointed whenever it stops (at the in-flight bound, or at the end of every file).
     */
    private void drain(FileInput in) throws Exception {
        for (int round = 0; round < 10_000; round++) {
            assertThat(in.flush(TestJournals.DEADLINE.toMillis())).as("everything read became durable").isTrue();
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

    private List<String> journalTexts() throws InterruptedException {
        return TestJournals.texts(TestJournals.readAll(journal, 0, journal.headSeq()));
    }

    private static List<String> numbered(String prefix, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    private static String lines(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }

    private ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(FileInput.class)).addAppender(appender);
        return appender;
    }

    private static void release(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(FileInput.class)).detachAppender(appender);
    }

    // --- throughput: reads are pipelined with the journal's forces ---

    @Test
    void readsOnWhileAForceIsOutstandingAndCheckpointsOnlyWhatIsDurable() throws Exception {
        List<String> expected = numbered("line-with-some-padding-to-make-it-longer-", 0, 40_000); // ~1.8 MiB
        append(lines(expected));
        FileInput in = input();
        JournalHooks.holdForces(journal, releaseForces);
        int steps = 0;
        while (steps < 1000 && in.step()) {
            steps++;
        }
        // Every chunk was read and offered although no force completed: reading did not wait for durability.
        assertThat(in.inFlightBatches()).as("batches waiting for one held force").isGreaterThanOrEqualTo(3);
        assertThat(journal.headSeq()).isEqualTo(expected.size());
        assertThat(in.stats().accepted.sum()).isZero();
        assertThat(new FileCheckpoint(checkpoint, false).load()).singleElement()
                .satisfies(e -> assertThat(e.offset()).as("nothing undurable checkpointed").isZero());
        releaseForces.countDown();
        assertThat(in.flush(TestJournals.DEADLINE.toMillis())).isTrue();
        assertThat(in.stats().accepted.sum()).isEqualTo(expected.size());
        assertThat(new FileCheckpoint(checkpoint, false).load()).singleElement()
                .satisfies(e -> assertThat(e.offset()).isEqualTo(Files.size(file)));
        assertThat(journalTexts()).isEqualTo(expected);
        System.out.printf("pipelined: %d batches read while one force was held%n", steps);
    }

    @Test
    void stopsReadingAtTheInFlightBoundUntilTheForceCompletes() throws Exception {
        List<String> expected = numbered("x", 0, 100_000); // ~690 KiB: two chunks
        append(lines(expected));
        FileInput in = input(config(file, List.of(), FileInputConfig.StartAt.BEGINNING, 1024, 1024), 1);
        JournalHooks.holdForces(journal, releaseForces);
        assertThat(in.step()).isTrue();
        assertThat(in.step()).as("at the bound: nothing more is read").isFalse();
        assertThat(in.inFlightBatches()).isEqualTo(1);
        releaseForces.countDown();
        drain(in);
        assertThat(journalTexts()).isEqualTo(expected);
    }

    // --- one file ---

    @Test
    void readsFromTheBeginning() throws Exception {
        append("a\nb\n");
        drain(input());
        assertThat(journalTexts()).containsExactly("a", "b");
        assertThat(input.stats().accepted.sum()).isEqualTo(2);
    }

    @Test
    void readsFromTheEndOnTheFirstRunOnly() throws Exception {
        append("old\n");
        FileInput in = input(file, FileInputConfig.StartAt.END, 1024);
        drain(in);
        append("new\n");
        drain(in);
        assertThat(journalTexts()).containsExactly("new");
    }

    @Test
    void startAtEndRemembersWhereItStartedAcrossARestartBeforeAnyLine() throws Exception {
        append("old\n");
        input(file, FileInputConfig.StartAt.END, 1024);
        input.close();
        input = null;
        append("written while the agent was down\n");
        drain(input(file, FileInputConfig.StartAt.END, 1024));
        assertThat(journalTexts()).containsExactly("written while the agent was down");
    }

    @Test
    void partialLastLineWaitsForItsNewline() throws Exception {
        append("a\n\npar");
        FileInput in = input();
        drain(in);
        assertThat(journalTexts()).containsExactly("a");
        append("tial\r\n"); // the second write completes the line
        drain(in);
        assertThat(journalTexts()).containsExactly("a", "partial");
    }

    @Test
    void partialLineSurvivesARestart() throws Exception {
        append("a\n\r\npar");
        drain(input());
        input.close();
        append("tial\nz\n");
        drain(input());
        assertThat(journalTexts()).containsExactly("a", "partial", "z");
    }

    @Test
    void tinyFileShorterThanItsFingerprintIsReadAtOnceAndResumedAfterARestart() throws Exception {
        append("a\n");
        drain(input());
        assertThat(journalTexts()).containsExactly("a");
        input.close();
        append("b\n");
        drain(input());
        assertThat(journalTexts()).containsExactly("a", "b");
        assertThat(new FileCheckpoint(checkpoint, false).load()).singleElement()
                .satisfies(e -> assertThat(e.prefixLen()).isEqualTo(4));
    }

    @Test
    void oversizedLineIsTruncatedTaggedAndItsRestSkipped() throws Exception {
        append("0123456789abc\nok\n");
        drain(input(file, FileInputConfig.StartAt.BEGINNING, 8));
        List<JournalRecord> records = TestJournals.readAll(journal, 0, journal.headSeq());
        assertThat(TestJournals.texts(records)).containsExactly("01234567", "ok");
        assertThat(records.get(0).tags()).isEqualTo(Tags.TRUNCATED);
        assertThat(records.get(1).tags()).isZero();
        assertThat(input.stats().truncated.sum()).isEqualTo(1);
    }

    @Test
    void tenMebibyteLineIsCutTaggedCountedAndTheLinesAroundItSurvive() throws Exception {
        int max = 16 * 1024;
        append("before\n");
        append("y".repeat(10 * 1024 * 1024) + "\n");
        append("after\n");
        drain(input(file, FileInputConfig.StartAt.BEGINNING, max));
        List<JournalRecord> records = TestJournals.readAll(journal, 0, journal.headSeq());
        assertThat(records).hasSize(3);
        assertThat(new String(records.get(0).message(), StandardCharsets.UTF_8)).isEqualTo("before");
        assertThat(records.get(1).message()).hasSize(max);
        assertThat(records.get(1).tags()).isEqualTo(Tags.TRUNCATED);
        assertThat(new String(records.get(2).message(), StandardCharsets.UTF_8)).isEqualTo("after");
        assertThat(input.stats().truncated.sum()).isEqualTo(1);
        assertThat(input.stats().accepted.sum()).isEqualTo(3);
    }

    @Test
    void restOfACutLineIsStillSkippedAfterARestart() throws Exception {
        append("0123456789");
        drain(input(file, FileInputConfig.StartAt.BEGINNING, 8));
        input.close();
        append("rest of the long line\nok\n");
        drain(input(file, FileInputConfig.StartAt.BEGINNING, 8));
        assertThat(journalTexts()).containsExactly("01234567", "ok");
    }

    @Test
    void invalidUtf8IsKeptAndTagged() throws Exception {
        Files.write(file, new byte[] {'o', 'k', '\n', (byte) 0xFF, 'x', '\n'});
        drain(input());
        List<JournalRecord> records = TestJournals.readAll(journal, 0, journal.headSeq());
        assertThat(records).hasSize(2);
        assertThat(records.get(1).message()).containsExactly((byte) 0xFF, 'x');
        assertThat(records.get(1).tags()).isEqualTo(Tags.INVALID_UTF8);
    }

    @Test
    void damagedCheckpointMeansReadingFromTheStartWithAnError() throws Exception {
        append("a\nb\n");
        drain(input());
        input.close();
        Files.write(checkpoint, new byte[] {1, 2, 3});
        ListAppender<ILoggingEvent> logs = capture();
        try {
            append("c\n");
            drain(input());
        } finally {
            release(logs);
        }
        assertThat(journalTexts()).containsExactly("a", "b", "a", "b", "c"); // duplicates, never loss
        assertThat(logs.list).anyMatch(e -> e.getLevel() == Level.ERROR && e.getFormattedMessage().contains("start"));
    }

    @Test
    void v1CheckpointOfTheSingleFileInputIsResumedFrom() throws Exception {
        append("read before the upgrade\n");
        long offset = Files.size(file);
        append("after\n");
        long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
        byte[] v1 = FileCheckpointTest.golden("file-checkpoint-v1.hex");
        ByteBuffer b = ByteBuffer.wrap(v1).order(ByteOrder.LITTLE_ENDIAN);
        b.put(5, (byte) 0).putLong(8, inode).putLong(16, offset);
        CRC32C crc = new CRC32C();
        crc.update(v1, 0, 24);
        b.putInt(24, (int) crc.getValue());
        Files.write(checkpoint, v1);
        drain(input());
        assertThat(journalTexts()).containsExactly("after");
        assertThat(new FileCheckpoint(checkpoint, false).load()).singleElement()
                .satisfies(e -> assertThat(e.prefixLen()).isEqualTo((int) Files.size(file)));
    }

    // --- rotation ---

    @Test
    void logrotateRenameAndCreateUnderTheGlobLosesNothingAndReadsNothingTwice() throws Exception {
        append("1\n2\n");
        FileInput in = globInput("app.log*", "*.gz");
        drain(in);
        Path rotated = logs.resolve("app.log.1");
        Files.move(file, rotated);
        append(rotated, "3\nunfinished"); // the writer finishes its last lines in the old file, then opens a new one
        append("new 1\nnew 2\n");
        in.scan();
        drain(in);
        assertThat(journalTexts()).containsExactlyInAnyOrder("1", "2", "3", "new 1", "new 2");
        Files.delete(rotated); // logrotate's next round; its partial last line becomes a line as it closes
        in.scan();
        drain(in);
        assertThat(in.following()).isEqualTo(1);
        in.close();
        append("new 3\n");
        drain(globInput("app.log*", "*.gz"));
        List<String> texts = journalTexts();
        assertThat(texts).containsExactlyInAnyOrder("1", "2", "3", "unfinished", "new 1", "new 2", "new 3");
        assertThat(texts.subList(0, 2)).containsExactly("1", "2");
    }

    @Test
    void fileRenamedOutOfTheGlobIsReadOnForRotateWaitAfterItsLastGrowthThenClosed() throws Exception {
        append("1\n");
        FileInput in = input(config(logs.resolve("*.log"), List.of(), FileInputConfig.StartAt.BEGINNING, 1024, 1024,
                Duration.ofSeconds(5)), FileInput.MAX_IN_FLIGHT_BYTES);
        drain(in);
        Path rotated = logs.resolve("app.log.1"); // not under the glob
        Files.move(file, rotated);
        in.scan();
        drain(in);
        assertThat(in.following()).as("kept open: its writer may not have reopened yet").isEqualTo(1);
        clock.advance(Duration.ofSeconds(4));
        append(rotated, "written after the rename\n");
        drain(in);
        clock.advance(Duration.ofSeconds(4)); // 8 s since the rename, 4 s since it last grew
        append(rotated, "again\nunfinished");
        drain(in);
        assertThat(journalTexts()).containsExactly("1", "written after the rename", "again");
        clock.advance(Duration.ofMillis(4999));
        drain(in);
        assertThat(in.following()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        drain(in);
        assertThat(in.following()).as("closed rotate_wait after its last growth").isZero();
        assertThat(journalTexts()).containsExactly("1", "written after the rename", "again", "unfinished");
        in.close();
        assertThat(new FileCheckpoint(checkpoint, false).load()).isEmpty();
    }

    @Test
    void renamedLiteralPathIsFinishedThenTheNewFileReadFromItsStart() throws Exception {
        append("1\n2\n");
        FileInput in = input();
        drain(in);
        Path rotated = logs.resolve("app.log.1");
        Files.move(file, rotated);
        append(rotated, "3\nunfinished");
        append("new 1\nnew 2\n");
        drain(in); // the step at the end of the old file sees another file at its path and scans
        assertThat(journalTexts()).containsExactly("1", "2", "3", "unfinished", "new 1", "new 2");
        in.close();
        append("new 3\n");
        drain(input());
        assertThat(journalTexts()).containsExactly("1", "2", "3", "unfinished", "new 1", "new 2", "new 3");
    }

    @Test
    void fileRotatedWhileStoppedHasItsUnreadTailFinishedFirst() throws Exception {
        append("1\n2\n");
        drain(input());
        input.close();
        append("3\nunfinished"); // written before the rotation, never read
        Files.move(file, logs.resolve("app.log.1"));
        append("new\n");
        drain(input());
        assertThat(journalTexts()).containsExactlyInAnyOrder("1", "2", "3", "unfinished", "new");
        assertThat(input.stats().skippedTails.sum()).isZero();
    }

    @Test
    void rotatedFileGoneAtRestartIsCountedAndLoggedAtErrorWithTheRange() throws Exception {
        append("1\n");
        drain(input());
        input.close();
        append("2\n");
        Files.createDirectories(dir.resolve("archive"));
        Files.move(file, dir.resolve("archive").resolve("app.log.1"));
        append("new\n");
        ListAppender<ILoggingEvent> appender = capture();
        try {
            drain(input());
        } finally {
            release(appender);
        }
        assertThat(journalTexts()).containsExactly("1", "new");
        assertThat(input.stats().skippedTails.sum()).isEqualTo(1);
        assertThat(appender.list).anyMatch(e -> e.getLevel() == Level.ERROR
                && e.getFormattedMessage().contains("from offset 2 to its end were not read"));
    }

    @Test
    void copytruncateIsReadAgainFromTheStart() throws Exception {
        append("aaa\nbbb\n");
        FileInput in = globInput("*.log");
        drain(in);
        Files.copy(file, logs.resolve("app.log.1")); // not under the glob
        Files.writeString(file, "c\n", StandardOpenOption.TRUNCATE_EXISTING);
        ListAppender<ILoggingEvent> appender = capture();
        try {
            drain(in);
        } finally {
            release(appender);
        }
        assertThat(journalTexts()).containsExactly("aaa", "bbb", "c");
        assertThat(appender.list).anyMatch(e -> e.getLevel() == Level.WARN
                && e.getFormattedMessage().contains("truncated"));
        in.close();
        append("d\n");
        drain(globInput("*.log"));
        assertThat(journalTexts()).containsExactly("aaa", "bbb", "c", "d");
    }

    @Test
    void copytruncateWrittenPastTheOldPositionBeforeTheNextLookIsReadFromTheStartToo() throws Exception {
        append("aaa\nbbb\n");
        FileInput in = globInput("*.log");
        drain(in);
        // Truncated and refilled beyond the 8 bytes read before the input looks again: never seen shorter.
        Files.writeString(file, "cccccc\ndddddd\n", StandardOpenOption.TRUNCATE_EXISTING);
        ListAppender<ILoggingEvent> appender = capture();
        try {
            drain(in);
        } finally {
            release(appender);
        }
        assertThat(journalTexts()).containsExactly("aaa", "bbb", "cccccc", "dddddd");
        assertThat(appender.list).anyMatch(e -> e.getLevel() == Level.WARN
                && e.getFormattedMessage().contains("first bytes changed"));
        append("eee\n");
        drain(in);
        assertThat(journalTexts()).containsExactly("aaa", "bbb", "cccccc", "dddddd", "eee");
    }

    @Test
    void truncationBelowAPendingPartialLineDropsTheStaleBytes() throws Exception {
        append("abc\npartial");
        FileInput in = input();
        drain(in);
        Files.writeString(file, "new1\n", StandardOpenOption.TRUNCATE_EXISTING);
        drain(in);
        append("new2-long-line\n");
        drain(in);
        assertThat(journalTexts()).containsExactly("abc", "new1", "new2-long-line");
    }

    @Test
    void burstOfRotationsFasterThanTheScanLosesNothingStillOnDisk() throws Exception {
        FileInput in = globInput("app.log*");
        append("gen0\n");
        drain(in);
        // Five rotations between two scans, logrotate-style (.1 -> .2 ..., app.log -> .1, a new app.log).
        for (int gen = 1; gen <= 5; gen++) {
            for (int k = gen - 1; k >= 1; k--) {
                Files.move(logs.resolve("app.log." + k), logs.resolve("app.log." + (k + 1)));
            }
            Files.move(file, logs.resolve("app.log.1"));
            append("gen" + gen + "\n");
        }
        in.scan();
        drain(in);
        assertThat(journalTexts()).containsExactlyInAnyOrder("gen0", "gen1", "gen2", "gen3", "gen4", "gen5");
        assertThat(in.following()).isEqualTo(6);
    }

    @Test
    void fileDeletedWhileBeingReadIsReadToItsEndThenClosed() throws Exception {
        List<String> expected = numbered("deleted-", 0, 150_000); // ~1.5 MiB: three chunks
        append(lines(expected));
        FileInput in = input();
        assertThat(in.step()).isTrue(); // one chunk read
        Files.delete(file);
        drain(in);
        assertThat(journalTexts()).isEqualTo(expected);
        assertThat(in.following()).isZero();
    }

    // --- identity ---

    @Test
    void newFileAfterADeleteIsNewEvenOnTheSameInode() throws Exception {
        append("first file line 1\nfirst file line 2\n");
        FileInput in = globInput("*.log");
        drain(in);
        Files.delete(file);
        in.scan();
        drain(in);
        append("second\n"); // may reuse the inode: the first file was closed, so it is a new file either way
        in.scan();
        drain(in);
        assertThat(journalTexts()).containsExactly("first file line 1", "first file line 2", "second");
    }

    @Test
    void sameInodeWithOtherFirstBytesAtRestartIsANewFile() throws Exception {
        append("original content, long enough\n");
        drain(input());
        input.close();
        // The same inode (rewritten in place) with other first bytes, longer than the checkpoint: a new file.
        Files.writeString(file, "REPLACED content, long enough\nand more lines after it\n",
                StandardOpenOption.TRUNCATE_EXISTING);
        drain(input());
        assertThat(journalTexts()).containsExactly("original content, long enough",
                "REPLACED content, long enough", "and more lines after it");
    }

    @Test
    void sameInodeAndSameFirstBytesAtRestartIsTakenForTheSameFile() throws Exception {
        String header = ("h".repeat(99) + "\n").repeat(11); // past fingerprint_bytes
        append(header + "old\n");
        drain(input());
        input.close();
        // Indistinguishable from the file having grown: resumed at its checkpoint (documented).
        Files.writeString(file, header + "new\nmore\n", StandardOpenOption.TRUNCATE_EXISTING);
        drain(input());
        List<String> texts = journalTexts();
        assertThat(texts).hasSize(13).endsWith("old", "more");
    }

    @Test
    void filesWithTheSameFirstBytesAreToldApartByInode() throws Exception {
        String header = ("#".repeat(99) + "\n").repeat(20); // the same first 1 KiB
        append(logs.resolve("a.log"), header + "a1\n");
        append(logs.resolve("b.log"), header + "b1\n");
        drain(globInput("*.log"));
        input.close();
        append(logs.resolve("a.log"), "a2\n");
        append(logs.resolve("b.log"), "b2\n");
        drain(globInput("*.log"));
        List<String> texts = journalTexts();
        assertThat(texts).hasSize(44).containsOnlyOnce("a1", "b1", "a2", "b2");
    }

    // --- globs ---

    @Test
    void globPicksUpANewFileFromItsStartAndHonoursExclude() throws Exception {
        append(logs.resolve("a.log"), "a1\n");
        append(logs.resolve("old.log.gz"), "compressed\n");
        Files.createDirectories(logs.resolve("sub"));
        append(logs.resolve("sub").resolve("deep.log"), "deep\n");
        append(logs.resolve("skip.log"), "skipped\n");
        FileInput in = input(config(logs.resolve("**.log*"), List.of("*.gz", logs + "/skip.*"),
                FileInputConfig.StartAt.END, 1024, 1024), FileInput.MAX_IN_FLIGHT_BYTES);
        drain(in);
        assertThat(journalTexts()).isEmpty(); // start_at: end, for the files of the first scan
        append(logs.resolve("a.log"), "a2\n");
        append(logs.resolve("b.log"), "b1\nb2\n"); // new after the first scan: read from its start
        append(logs.resolve("b.log.gz"), "excluded\n");
        append(logs.resolve("skip.log"), "skipped too\n");
        in.scan();
        drain(in);
        assertThat(journalTexts()).containsExactlyInAnyOrder("a2", "b1", "b2");
        assertThat(in.following()).isEqualTo(3);
    }

    @Test
    void filesBeyondMaxFilesAreCountedAndNotFollowed() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            append(logs.resolve(name + ".log"), name + "\n");
        }
        FileInput in = input(config(logs.resolve("*.log"), List.of(), FileInputConfig.StartAt.BEGINNING, 1024, 2),
                FileInput.MAX_IN_FLIGHT_BYTES);
        drain(in);
        in.scan();
        assertThat(journalTexts()).containsExactly("a", "b");
        assertThat(in.stats().filesNotFollowed.sum()).as("counted once, not per scan").isEqualTo(1);
        Files.delete(logs.resolve("a.log"));
        in.scan();
        drain(in);
        in.scan(); // a slot is free again
        drain(in);
        assertThat(journalTexts()).containsExactly("a", "b", "c");
    }

    @Test
    void restartResumesEveryFileFromItsOwnCheckpoint() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            append(logs.resolve(name + ".log"), lines(numbered(name, 0, 1000)));
        }
        drain(globInput("*.log"));
        for (String name : List.of("a", "b", "c")) {
            append(logs.resolve(name + ".log"), lines(numbered(name, 1000, 1500)));
        }
        input.close();
        for (String name : List.of("a", "c")) {
            append(logs.resolve(name + ".log"), lines(numbered(name, 1500, 1600)));
        }
        drain(globInput("*.log"));
        List<String> expected = new ArrayList<>();
        expected.addAll(numbered("a", 0, 1600));
        expected.addAll(numbered("b", 0, 1500));
        expected.addAll(numbered("c", 0, 1600));
        assertThat(journalTexts()).containsExactlyInAnyOrderElementsOf(expected).hasSize(expected.size());
        assertThat(new FileCheckpoint(checkpoint, false).load()).hasSize(3);
    }

    @Test
    void runsOnItsOwnThreadUntilClosed() throws Exception {
        FileInputConfig config = new FileInputConfig("app", logs.resolve("*.log"), List.of(),
                FileInputConfig.StartAt.BEGINNING, ByteSize.ofKibibytes(1), Duration.ofMillis(5),
                Duration.ofMillis(20), 16, FileInputConfig.DEFAULT_FINGERPRINT_BYTES, Optional.empty());
        input = new FileInput(config, new JournalIngest(journal, Clock.systemUTC()), checkpoint, true,
                Clock.systemUTC());
        input.start();
        append("x\n");
        await("x accepted", () -> input.stats().accepted.sum() == 1);
        append(logs.resolve("later.log"), "y\n"); // found by a rescan
        await("y accepted", () -> input.stats().accepted.sum() == 2);
        input.close();
        assertThat(journalTexts()).containsExactlyInAnyOrder("x", "y");
        assertThat(new FileCheckpoint(checkpoint, false).load()).hasSize(2)
                .allSatisfy(e -> assertThat(e.offset()).isEqualTo(2));
    }
}
