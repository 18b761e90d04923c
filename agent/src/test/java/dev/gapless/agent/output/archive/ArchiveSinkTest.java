package dev.gapless.agent.output.archive;

import static dev.gapless.agent.output.archive.ArchiveFixtures.config;
import static dev.gapless.agent.output.archive.ArchiveFixtures.dataFiles;
import static dev.gapless.agent.output.archive.ArchiveFixtures.decoded;
import static dev.gapless.agent.output.archive.ArchiveFixtures.decodedLines;
import static dev.gapless.agent.output.archive.ArchiveFixtures.lines;
import static dev.gapless.agent.output.archive.ArchiveFixtures.manifestLines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.codec.LineEncoder;
import dev.gapless.agent.event.Event;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.agent.output.Backoff;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.OutputStatus;
import dev.gapless.agent.output.OutputWorker;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.archive.ArchiveOutputConfig;
import dev.gapless.config.output.archive.ArchiveOutputConfig.Compression;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ArchiveSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final List<FileChannel> channels = new ArrayList<>();
    private final List<ArchiveSink> sinks = new ArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        sinks.forEach(ArchiveSink::close);
        for (FileChannel ch : channels) {
            ch.close();
        }
    }

    private Path archive() {
        return tmp.resolve("archive");
    }

    /** A sink whose channels the test keeps, so it can "crash" the sink by dropping it without close(). */
    private ArchiveSink sink(ArchiveOutputConfig config, Clock clock, List<FaultyChannel> opened) {
        ArchiveSink s = new ArchiveSink(config, clock, p -> {
            FaultyChannel ch = new FaultyChannel(FileChannel.open(p, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, StandardOpenOption.READ)));
            channels.add(ch);
            opened.add(ch);
            return ch;
        });
        sinks.add(s);
        return s;
    }

    private ArchiveSink sink(ArchiveOutputConfig config) {
        return sink(config, new ArchiveFixtures.StepClock(), new ArrayList<>());
    }

    private static Outcome send(ArchiveSink sink, EncodedBatch batch) throws Exception {
        return sink.send(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String[] numbered(String prefix, int from, int to) {
        String[] out = new String[to - from + 1];
        for (int i = from; i <= to; i++) {
            out[i - from] = prefix + i;
        }
        return out;
    }

    private static List<String> all(String prefix, int from, int to) {
        return Arrays.asList(numbered(prefix, from, to));
    }

    private static JsonNode entry(String line) throws IOException {
        return JSON.readTree(line);
    }

    @Test
    void deliversThroughAnOutputWorkerAndRetriesAFullDiskWithNothingHalfWritten() throws Exception {
        List<FaultyChannel> opened = new ArrayList<>();
        ArchiveSink sink = sink(config(archive(), Compression.ZSTD), Clock.systemUTC(), opened);
        Journal journal = TestJournals.open(tmp.resolve("journal"));
        CursorStore cursor = new CursorStore(tmp.resolve("out.cursor"), true);
        OutputStatus status = new OutputStatus("vault", "archive", sink.destination());
        OutputWorker worker = new OutputWorker(new OutputWorker.Parts("vault", journal, sink, new LineEncoder(),
                cursor, tmp.resolve("dead-letter.ndjson"), new BatchConfig(10, ByteSize.ofMebibytes(1),
                Duration.ofMillis(1)), new Backoff(new RetryConfig(Duration.ofMillis(1), Duration.ofMillis(20))),
                Clock.systemUTC(), Failpoints.none(), status), cursor.load());
        try {
            List<Event> first = new ArrayList<>();
            for (String m : numbered("m", 1, 30)) {
                first.add(Event.line("app", -1, 0, m.getBytes(StandardCharsets.UTF_8), 0));
            }
            long last = journal.append(TestBatches.of(first)).lastSeq();
            journal.whenDurable(last).get();
            worker.start();
            TestJournals.await("the first 30 delivered", () -> status.ackedSeq >= last);

            // the disk fills: a write takes 7 bytes and fails; the worker retries until there is room again
            opened.get(0).writable = 7;
            List<Event> second = new ArrayList<>();
            for (String m : numbered("m", 31, 60)) {
                second.add(Event.line("app", -1, 0, m.getBytes(StandardCharsets.UTF_8), 0));
            }
            long end = journal.append(TestBatches.of(second)).lastSeq();
            journal.whenDurable(end).get();
            TestJournals.await("a failed attempt", () -> status.consecutiveFailures >= 2);
            assertThat(status.lastError).contains("No space left on device");
            assertThat(status.ackedSeq).isEqualTo(last);
            opened.get(0).writable = -1;
            TestJournals.await("the rest delivered", () -> status.ackedSeq >= end);
        } finally {
            worker.close();
            journal.close();
        }
        sink.close();
        assertThat(decodedLines(archive(), Compression.ZSTD)).containsExactlyElementsOf(all("m", 1, 60));
        List<String> manifest = manifestLines(archive());
        assertThat(manifest).hasSize(1);
        assertThat(entry(manifest.get(0)).path("first_seq").asLong()).isEqualTo(1);
        assertThat(entry(manifest.get(0)).path("last_seq").asLong()).isEqualTo(60);
        assertThat(entry(manifest.get(0)).path("records").asLong()).isEqualTo(60);
        assertThat(dataFiles(archive())).allSatisfy(f -> assertThat(f.toString()).endsWith(".ndjson.zst"));
    }

    @Test
    void gzipFilesAreReadWholeByZcatAndGzip() throws Exception {
        ArchiveSink sink = sink(config(archive(), Compression.GZIP));
        for (int b = 0; b < 3; b++) {
            assertThat(send(sink, lines(b * 10 + 1, numbered("g", b * 10 + 1, b * 10 + 10))))
                    .isEqualTo(Outcome.DELIVERED);
        }
        sink.close();
        Path file = dataFiles(archive()).get(0);
        assertThat(file.getFileName().toString()).isEqualTo("00000000000000000001-00000001.ndjson.gz");
        assertThat(run("gzip", "-t", file.toString())).isEmpty();
        assertThat(run("zcat", file.toString()).lines().toList()).containsExactlyElementsOf(all("g", 1, 30));
        assertThat(decoded(file, Compression.GZIP).lines().toList()).containsExactlyElementsOf(all("g", 1, 30));
    }

    @Test
    void zstdFilesAreReadWholeByZstd() throws Exception {
        ArchiveSink sink = sink(config(archive(), Compression.ZSTD));
        for (int b = 0; b < 3; b++) {
            send(sink, lines(b * 10 + 1, numbered("z", b * 10 + 1, b * 10 + 10)));
        }
        sink.close();
        Path file = dataFiles(archive()).get(0);
        assertThat(decoded(file, Compression.ZSTD).lines().toList()).containsExactlyElementsOf(all("z", 1, 30));
        if (onPath("zstd")) { // the one assertion that needs the zstd binary
            run("zstd", "-q", "-t", file.toString());
            assertThat(run("zstd", "-q", "-d", "-c", file.toString()).lines().toList())
                    .containsExactlyElementsOf(all("z", 1, 30));
        }
    }

    @Test
    void rollsBySizeAndChainsEachClosedFileInTheManifest() throws Exception {
        ArchiveSink sink = sink(config(archive(), Compression.NONE, ByteSize.ofBytes(100), Duration.ofHours(1),
                null));
        for (int b = 0; b < 6; b++) { // 40 bytes a batch: two fit in 100
            send(sink, lines(b * 4 + 1, "aaaaaaaa" + b, "bbbbbbbb" + b, "cccccccc" + b, "dddddddd" + b));
        }
        List<String> manifest = manifestLines(archive());
        assertThat(manifest).hasSize(2);
        String prev = ManifestEntry.NO_PREV;
        for (int i = 0; i < manifest.size(); i++) {
            JsonNode e = entry(manifest.get(i));
            assertThat(e.path("n").asLong()).isEqualTo(i + 1);
            assertThat(e.path("first_seq").asLong()).isEqualTo(i * 8 + 1);
            assertThat(e.path("last_seq").asLong()).isEqualTo(i * 8 + 8);
            assertThat(e.path("bytes").asLong()).isEqualTo(80).isEqualTo(Files.size(archive().resolve(
                    e.path("file").asText())));
            assertThat(e.path("sha256").asText()).isEqualTo(ManifestEntry.sha256Of(archive().resolve(
                    e.path("file").asText())));
            assertThat(e.path("prev").asText()).isEqualTo(prev);
            prev = ManifestEntry.hashOf(manifest.get(i));
        }
        assertThat(dataFiles(archive())).extracting(p -> p.getFileName().toString()).containsExactly(
                "00000000000000000001-00000001.ndjson", "00000000000000000009-00000002.ndjson",
                "00000000000000000017-00000003.ndjson.open");
    }

    @Test
    void rollsByTimeOnTheOutputsClockAtTheNextBatch() throws Exception {
        ArchiveFixtures.StepClock clock = new ArchiveFixtures.StepClock();
        ArchiveSink sink = sink(config(archive(), Compression.ZSTD, ByteSize.ofMebibytes(256), Duration.ofHours(1),
                null), clock, new ArrayList<>());
        send(sink, lines(1, "one"));
        clock.advance(Duration.ofMinutes(59));
        send(sink, lines(2, "two"));
        assertThat(manifestLines(archive())).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        send(sink, lines(3, "three"));
        List<String> manifest = manifestLines(archive());
        assertThat(manifest).hasSize(1);
        assertThat(entry(manifest.get(0)).path("closed_at").asText()).isEqualTo("2026-11-23T11:00:00Z");
        assertThat(entry(manifest.get(0)).path("last_seq").asLong()).isEqualTo(2);
        List<Path> files = dataFiles(archive());
        assertThat(decoded(files.get(0), Compression.ZSTD)).isEqualTo("one\ntwo\n");
        assertThat(files.get(1).getFileName().toString()).isEqualTo("00000000000000000003-00000002.ndjson.zst.open");
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void aTornLastWriteIsCutAtTheNextStartKeepingTheCompleteFrames(Compression compression) throws Exception {
        ArchiveSink crashed = sink(config(archive(), compression));
        send(crashed, lines(1, "a1", "a2"));
        send(crashed, lines(3, "b3", "b4"));
        sinks.remove(crashed); // a crash: the sink is never closed
        Path open = dataFiles(archive()).get(0);
        long good = Files.size(open);
        Frames.Frame torn = Frames.of(compression).encode("c5\nc6\n".getBytes(StandardCharsets.UTF_8), 6);
        try (FileChannel ch = FileChannel.open(open, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            // half a frame; for none, a line without its newline (whole lines of a torn batch are kept)
            ch.write(ByteBuffer.wrap(torn.bytes(), 0, compression == Compression.NONE ? 2 : torn.length() / 2));
        }

        ArchiveSink restarted = sink(config(archive(), compression));
        assertThat(send(restarted, lines(5, "c5", "c6"))).isEqualTo(Outcome.DELIVERED); // sent again
        Path recovered = archive().resolve(ArchiveNames.parse(open.getFileName().toString()).orElseThrow()
                .closedName());
        assertThat(Files.size(recovered)).isEqualTo(good);
        assertThat(decoded(recovered, compression)).isEqualTo("a1\na2\nb3\nb4\n");
        JsonNode e = entry(manifestLines(archive()).get(0));
        assertThat(e.path("bytes").asLong()).isEqualTo(good);
        assertThat(e.path("last_seq").isNull()).isTrue();
        assertThat(e.path("records").isNull()).isTrue();
        assertThat(decodedLines(archive(), compression)).containsExactly("a1", "a2", "b3", "b4", "c5", "c6");
    }

    @Test
    void aFileLeftOpenIsRecoveredByItsOwnCompressionWhenTheConfigChanged() throws Exception {
        ArchiveSink crashed = sink(config(archive(), Compression.GZIP));
        send(crashed, lines(1, "gz1"));
        sinks.remove(crashed);
        ArchiveSink restarted = sink(config(archive(), Compression.ZSTD));
        send(restarted, lines(2, "zst2"));
        List<Path> files = dataFiles(archive());
        assertThat(decoded(files.get(0), Compression.GZIP)).isEqualTo("gz1\n");
        assertThat(decoded(files.get(1), Compression.ZSTD)).isEqualTo("zst2\n");
        assertThat(files.get(1).toString()).endsWith(".ndjson.zst.open");
    }

    @Test
    void aDamagedLastFrameIsCutLikeATornOne() throws Exception {
        ArchiveSink crashed = sink(config(archive(), Compression.ZSTD));
        send(crashed, lines(1, "a1"));
        send(crashed, lines(2, "b2"));
        sinks.remove(crashed);
        Path open = dataFiles(archive()).get(0);
        long size = Files.size(open);
        try (FileChannel ch = FileChannel.open(open, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x55}), size - 2); // inside the last frame's checksum
        }
        ArchiveSink restarted = sink(config(archive(), Compression.ZSTD));
        send(restarted, lines(2, "b2"));
        assertThat(decodedLines(archive(), Compression.ZSTD)).containsExactly("a1", "b2");
    }

    @Test
    void aFailedWriteIsRetryableAndCutBack() throws Exception {
        List<FaultyChannel> opened = new ArrayList<>();
        ArchiveSink sink = sink(config(archive(), Compression.GZIP), new ArchiveFixtures.StepClock(), opened);
        send(sink, lines(1, "one"));
        Path open = dataFiles(archive()).get(0);
        long before = Files.size(open);

        opened.get(0).writable = 5;
        Outcome failed = send(sink, lines(2, "two"));
        assertThat(failed).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) failed).message()).contains("No space left on device");
        assertThat(Files.size(open)).isEqualTo(before);

        opened.get(0).writable = -1;
        assertThat(send(sink, lines(2, "two"))).isEqualTo(Outcome.DELIVERED);
        assertThat(decoded(open, Compression.GZIP)).isEqualTo("one\ntwo\n");
    }

    @Test
    void aFailedWriteThatCannotBeCutBackIsRecoveredAtTheNextAttempt() throws Exception {
        List<FaultyChannel> opened = new ArrayList<>();
        ArchiveSink sink = sink(config(archive(), Compression.ZSTD), new ArchiveFixtures.StepClock(), opened);
        send(sink, lines(1, "one"));
        opened.get(0).writable = 5;
        opened.get(0).failTruncate = true;
        assertThat(send(sink, lines(2, "two"))).isInstanceOf(Outcome.Retryable.class);
        assertThat(Files.size(dataFiles(archive()).get(0))).as("5 bytes of a frame left").isGreaterThan(0);

        assertThat(send(sink, lines(2, "two"))).isEqualTo(Outcome.DELIVERED);
        assertThat(manifestLines(archive())).hasSize(1);
        assertThat(decodedLines(archive(), Compression.ZSTD)).containsExactly("one", "two");
    }

    @Test
    void aTornManifestLineIsCutAndItsFileEnteredAgain() throws Exception {
        ArchiveSink crashed = sink(config(archive(), Compression.ZSTD));
        send(crashed, lines(1, "one"));
        sinks.remove(crashed);
        Files.writeString(archive().resolve(ArchiveNames.MANIFEST), "{\"v\":1,\"n\":1,\"fi",
                StandardOpenOption.APPEND);

        ArchiveSink restarted = sink(config(archive(), Compression.ZSTD));
        send(restarted, lines(2, "two"));
        List<String> manifest = manifestLines(archive());
        assertThat(manifest).hasSize(1);
        assertThat(entry(manifest.get(0)).path("file").asText()).isEqualTo("00000000000000000001-00000001.ndjson.zst");
        assertThat(decodedLines(archive(), Compression.ZSTD)).containsExactly("one", "two");
    }

    @Test
    void aFileEnteredButNotRenamedBeforeACrashIsRenamed() throws Exception {
        ArchiveSink first = sink(config(archive(), Compression.ZSTD));
        send(first, lines(1, "one"));
        first.close();
        Path closed = dataFiles(archive()).get(0);
        Files.move(closed, closed.resolveSibling(closed.getFileName() + ArchiveNames.OPEN_SUFFIX));

        ArchiveSink restarted = sink(config(archive(), Compression.ZSTD));
        send(restarted, lines(2, "two"));
        assertThat(manifestLines(archive())).hasSize(1);
        assertThat(closed).exists();
        assertThat(decodedLines(archive(), Compression.ZSTD)).containsExactly("one", "two");
    }

    @Test
    void anEmptyFileLeftOpenIsDeleted() throws Exception {
        List<FaultyChannel> opened = new ArrayList<>();
        ArchiveSink crashed = sink(config(archive(), Compression.GZIP), new ArchiveFixtures.StepClock(), opened);
        send(crashed, lines(1, "one"));
        sinks.remove(crashed);
        Path open = dataFiles(archive()).get(0);
        try (FileChannel ch = FileChannel.open(open, StandardOpenOption.WRITE)) {
            ch.truncate(7); // the crash came in the middle of the first frame
        }
        ArchiveSink restarted = sink(config(archive(), Compression.GZIP));
        send(restarted, lines(1, "one"));
        assertThat(manifestLines(archive())).isEmpty();
        assertThat(dataFiles(archive())).hasSize(1);
        assertThat(decodedLines(archive(), Compression.GZIP)).containsExactly("one");
    }

    @Test
    void manifestMatchesTheGoldenFile() throws Exception {
        Path key = tmp.resolve("key");
        Files.writeString(key, "archive-test-key\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        ArchiveFixtures.StepClock clock = new ArchiveFixtures.StepClock();
        ArchiveSink sink = sink(config(archive(), Compression.NONE, ByteSize.ofBytes(16), Duration.ofHours(1), key),
                clock, new ArrayList<>());
        send(sink, lines(1, "first", "second"));
        clock.advance(Duration.ofSeconds(1));
        send(sink, lines(3, "third"));
        clock.advance(Duration.ofSeconds(1));
        sink.close();
        String golden = new String(getClass().getResourceAsStream("/golden/archive-manifest-v1.ndjson")
                .readAllBytes(), StandardCharsets.UTF_8);
        assertThat(Files.readString(archive().resolve(ArchiveNames.MANIFEST))).isEqualTo(golden);
    }

    @Test
    void aKeyFileOthersCanReadIsWarnedAbout() throws Exception {
        Path key = tmp.resolve("key");
        Files.writeString(key, "k");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(HmacKey.permissionWarning(key)).get().asString().contains("chmod 600").doesNotContain(" k ");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertThat(HmacKey.permissionWarning(key)).isEmpty();
    }

    private static boolean onPath(String binary) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command to its end (bounded), asserting exit 0; its standard output. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String text = new String(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(String.join(" ", command) + ": " + text).isZero();
            return text;
        } finally {
            p.destroyForcibly();
        }
    }
}
