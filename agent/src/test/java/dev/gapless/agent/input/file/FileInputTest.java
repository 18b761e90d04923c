package dev.gapless.agent.input.file;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.slf4j.LoggerFactory;

class FileInputTest {

    @TempDir
    Path dir;

    private Journal journal;
    private Path file;
    private Path checkpoint;
    private FileInput input;

    @BeforeEach
    void setUp() throws IOException {
        journal = TestJournals.open(dir.resolve("journal"));
        file = dir.resolve("app.log");
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

    private FileInput input(FileInputConfig.StartAt startAt, int maxLine) {
        if (input != null) {
            input.close();
        }
        FileInputConfig config = new FileInputConfig("app", file, startAt, ByteSize.ofBytes(maxLine),
                Duration.ofMillis(10), Optional.empty());
        input = new FileInput(config, new JournalIngest(journal, Clock.systemUTC()), checkpoint, true,
                Clock.systemUTC());
        input.restore();
        return input;
    }

    private FileInput input() {
        return input(FileInputConfig.StartAt.BEGINNING, 1024);
    }

    /** Steps the input until it finds nothing more. */
    private void drain(FileInput in) throws Exception {
        for (int i = 0; i < 10_000 && in.step(); i++) {
            // the step does the work
        }
    }

    private void append(String s) throws IOException {
        Files.writeString(file, s, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private List<String> journalTexts() throws InterruptedException {
        return TestJournals.texts(TestJournals.readAll(journal, 0, journal.headSeq()));
    }

    @Test
    void readsFromTheBeginning() throws Exception {
        append("a\nb\n");
        drain(input());
        assertThat(journalTexts()).containsExactly("a", "b");
        assertThat(input.stats().accepted.sum()).isEqualTo(2);
    }

    @Test
    void readsFromTheEnd() throws Exception {
        append("old\n");
        FileInput in = input(FileInputConfig.StartAt.END, 1024);
        drain(in);
        append("new\n");
        drain(in);
        assertThat(journalTexts()).containsExactly("new");
    }

    @Test
    void startAtEndRemembersWhereItStartedAcrossARestartBeforeAnyLine() throws Exception {
        append("old\n");
        drain(input(FileInputConfig.StartAt.END, 1024));
        input.close();
        append("written while the agent was down\n");
        drain(input(FileInputConfig.StartAt.END, 1024));
        assertThat(journalTexts()).containsExactly("written while the agent was down");
    }

    @Test
    void resumesFromItsCheckpointWithoutRereadingOrLosing() throws Exception {
        append("1\n2\n3\n");
        drain(input());
        append("4\n");
        input.close();
        append("5\n");
        drain(input());
        assertThat(journalTexts()).containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void partialLastLineWaitsForItsNewline() throws Exception {
        append("a\n\npar");
        FileInput in = input();
        drain(in);
        assertThat(journalTexts()).containsExactly("a");
        append("tial\r\n");
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
    void truncatedFileIsReadAgainFromItsStart() throws Exception {
        append("aaa\nbbb\n");
        FileInput in = input();
        drain(in);
        Files.writeString(file, "c\n", StandardOpenOption.TRUNCATE_EXISTING);
        drain(in);
        assertThat(journalTexts()).containsExactly("aaa", "bbb", "c");
    }

    @Test
    void replacedFileIsReadFromItsStartAfterTheOldOnesEnd() throws Exception {
        append("1\n2\n");
        FileInput in = input();
        drain(in);
        Path rotated = dir.resolve("app.log.1");
        Files.move(file, rotated);
        // The writer still finishes its last lines in the old file before it opens the new one.
        Files.writeString(rotated, "3\nunfinished", StandardOpenOption.APPEND);
        append("new 1\nnew 2\n");
        drain(in);
        assertThat(journalTexts()).containsExactly("1", "2", "3", "unfinished", "new 1", "new 2");
        in.close();
        append("new 3\n");
        drain(input());
        assertThat(journalTexts()).containsExactly("1", "2", "3", "unfinished", "new 1", "new 2", "new 3");
    }

    @Test
    void fileReplacedWhileStoppedIsReadFromItsStart() throws Exception {
        append("1\n2\n");
        drain(input());
        input.close();
        Files.move(file, dir.resolve("app.log.1"));
        append("new\n");
        drain(input());
        assertThat(journalTexts()).containsExactly("1", "2", "new");
    }

    @Test
    void truncationBelowAPendingPartialLineDropsTheStaleBytes() throws Exception {
        append("abc\npartial");
        FileInput in = input();
        drain(in);
        // copytruncate, then new lines shorter than offset + the pending partial line
        Files.writeString(file, "new1\n", StandardOpenOption.TRUNCATE_EXISTING);
        drain(in);
        append("new2-long-line\n");
        drain(in);
        assertThat(journalTexts()).containsExactly("abc", "new1", "new2-long-line");
    }

    @Test
    void fileRotatedWhileStoppedHasItsUnreadTailFinishedFirst() throws Exception {
        append("1\n2\n");
        drain(input());
        input.close();
        append("3\nunfinished"); // written before the rotation, never read
        Files.move(file, dir.resolve("app.log.1"));
        append("new\n");
        drain(input());
        assertThat(journalTexts()).containsExactly("1", "2", "3", "unfinished", "new");
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
        Logger logger = (Logger) LoggerFactory.getLogger(FileInput.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            drain(input());
        } finally {
            logger.detachAppender(logs);
        }
        assertThat(journalTexts()).containsExactly("1", "new");
        assertThat(input.stats().skippedTails.sum()).isEqualTo(1);
        assertThat(logs.list).anyMatch(e -> e.getLevel() == Level.ERROR
                && e.getFormattedMessage().contains("from offset 2 to its end were not read"));
    }

    @Test
    void oversizedLineIsTruncatedTaggedAndItsRestSkipped() throws Exception {
        append("0123456789abc\nok\n");
        drain(input(FileInputConfig.StartAt.BEGINNING, 8));
        List<JournalRecord> records = TestJournals.readAll(journal, 0, journal.headSeq());
        assertThat(TestJournals.texts(records)).containsExactly("01234567", "ok");
        assertThat(records.get(0).tags()).isEqualTo(Tags.TRUNCATED);
        assertThat(records.get(1).tags()).isZero();
        assertThat(input.stats().truncated.sum()).isEqualTo(1);
    }

    @Test
    void restOfACutLineIsStillSkippedAfterARestart() throws Exception {
        append("0123456789");
        drain(input(FileInputConfig.StartAt.BEGINNING, 8));
        input.close();
        append("rest of the long line\nok\n");
        drain(input(FileInputConfig.StartAt.BEGINNING, 8));
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
        Logger logger = (Logger) LoggerFactory.getLogger(FileInput.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            append("c\n");
            drain(input());
        } finally {
            logger.detachAppender(logs);
        }
        assertThat(journalTexts()).containsExactly("a", "b", "a", "b", "c"); // duplicates, never loss
        assertThat(logs.list).anyMatch(e -> e.getLevel() == Level.ERROR && e.getFormattedMessage().contains("start"));
    }

    @Test
    void runsOnItsOwnThreadUntilClosed() throws Exception {
        FileInputConfig config = new FileInputConfig("app", file, FileInputConfig.StartAt.BEGINNING,
                ByteSize.ofKibibytes(1), Duration.ofMillis(5), Optional.empty());
        input = new FileInput(config, new JournalIngest(journal, Clock.systemUTC()), checkpoint, true,
                Clock.systemUTC());
        input.start();
        append("x\n");
        await("x accepted", () -> input.stats().accepted.sum() == 1);
        append("y\n");
        await("y accepted", () -> input.stats().accepted.sum() == 2);
        input.close();
        assertThat(journalTexts()).containsExactly("x", "y");
    }
}
