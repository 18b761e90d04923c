package dev.gapless.agent.output.archive;

import static dev.gapless.agent.output.archive.ArchiveFixtures.config;
import static dev.gapless.agent.output.archive.ArchiveFixtures.dataFiles;
import static dev.gapless.agent.output.archive.ArchiveFixtures.envelopes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.Main;
import dev.gapless.config.ByteSize;
import dev.gapless.config.output.archive.ArchiveOutputConfig.Compression;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class VerifyArchiveCommandTest {

    @TempDir
    Path tmp;

    private Path dir;
    private Path key;
    private List<Path> files;
    private final List<FileChannel> channels = new ArrayList<>();
    private String out;
    private String err;

    @AfterEach
    void tearDown() throws IOException {
        for (FileChannel ch : channels) {
            ch.close();
        }
    }

    /** Four closed files of ten envelopes each (seqs 1-40, the last a heartbeat), and a fifth being written. */
    @BeforeEach
    void writeArchive() throws Exception {
        dir = tmp.resolve("vault");
        key = tmp.resolve("key");
        Files.writeString(key, "s3cret\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        ArchiveSink sink = new ArchiveSink(config(dir, Compression.ZSTD, ByteSize.ofBytes(1), Duration.ofHours(1),
                key), new ArchiveFixtures.StepClock(), p -> {
                    FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                            StandardOpenOption.READ);
                    channels.add(ch);
                    return ch;
                });
        for (int b = 0; b < 4; b++) {
            sink.send(envelopes(b * 10 + 1, b * 10 + 10, false)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        sink.send(envelopes(41, 50, true)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        // the sink is left running: the fifth file stays open
        files = dataFiles(dir);
        assertThat(files).hasSize(5);
        assertThat(files.get(4).toString()).endsWith(".ndjson.zst.open");
    }

    private int verify(String... extra) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cmd = new CommandLine(new Main()); // as `gapless verify-archive …` runs it
        cmd.setOut(new PrintWriter(o));
        cmd.setErr(new PrintWriter(e));
        List<String> args = new ArrayList<>(List.of("verify-archive", dir.toString()));
        args.addAll(List.of(extra));
        int exit = cmd.execute(args.toArray(String[]::new));
        out = o.toString();
        err = e.toString();
        return exit;
    }

    private int verifyWithKey() {
        return verify("--hmac-key-file", key.toString());
    }

    private String lastLine() {
        List<String> lines = out.lines().toList();
        return lines.get(lines.size() - 1);
    }

    private String name(int i) {
        return files.get(i).getFileName().toString();
    }

    @Test
    void anIntactArchiveIsProvedCompleteByTheAudit() {
        assertThat(verifyWithKey()).as(out + err).isZero();
        assertThat(out).contains("Gapless archive " + dir + ": 4 manifest entries",
                "Archive: intact (chain, HMACs, sizes and SHA-256 checked)",
                name(4) + ": being written, not yet in the manifest",
                "seqs            1-50, 50 seen");
        assertThat(lastLine()).isEqualTo("Verdict: archive intact, audit COMPLETE (exit 0)");
    }

    @Test
    void withoutAKeyTheHmacsAreSaidToBeUnchecked() {
        assertThat(verify()).isZero();
        assertThat(out).contains("the manifest's HMACs were not checked (no --hmac-key-file)");
    }

    @Test
    void aModifiedFileIsNamed() throws Exception {
        byte[] bytes = Files.readAllBytes(files.get(1));
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(files.get(1), bytes);
        assertThat(verifyWithKey()).isEqualTo(VerifyArchiveCommand.EXIT_DAMAGED);
        assertThat(out).contains("DAMAGED  " + name(1) + ": modified: its SHA-256 ");
        assertThat(lastLine()).startsWith("Verdict: archive DAMAGED, audit ").endsWith("(exit 4)");
    }

    @Test
    void aMissingFileIsNamedAndTheAuditSeesTheGap() throws Exception {
        Files.delete(files.get(1));
        assertThat(verifyWithKey()).isEqualTo(VerifyArchiveCommand.EXIT_DAMAGED);
        assertThat(out).contains("DAMAGED  " + name(1) + ": missing (listed in the manifest, file number 2)",
                "undeclared      10 missing: 11-20");
        assertThat(lastLine()).isEqualTo("Verdict: archive DAMAGED, audit UNDECLARED GAPS (exit 4)");
    }

    @Test
    void reorderedManifestEntriesBreakTheChain() throws Exception {
        Path manifest = dir.resolve(ArchiveNames.MANIFEST);
        List<String> lines = new ArrayList<>(Files.readAllLines(manifest));
        lines.add(1, lines.remove(2));
        Files.write(manifest, lines);
        assertThat(verifyWithKey()).isEqualTo(VerifyArchiveCommand.EXIT_DAMAGED);
        assertThat(out).contains("DAMAGED  manifest.ndjson line 2 (" + name(2) + "): chain broken",
                "DAMAGED  manifest.ndjson line 2 (" + name(2) + "): file number 3 where 2 was expected");
    }

    @Test
    void aRemovedManifestEntryBreaksTheChainAndLeavesItsFileUnlisted() throws Exception {
        Path manifest = dir.resolve(ArchiveNames.MANIFEST);
        List<String> lines = new ArrayList<>(Files.readAllLines(manifest));
        lines.remove(1);
        Files.write(manifest, lines);
        assertThat(verifyWithKey()).isEqualTo(VerifyArchiveCommand.EXIT_DAMAGED);
        assertThat(out).contains("DAMAGED  manifest.ndjson line 2 (" + name(2) + "): chain broken",
                "DAMAGED  " + name(1) + ": not in the manifest");
    }

    @Test
    void halfAFrameAppendedToAClosedFileIsNamed() throws Exception {
        long size = Files.size(files.get(0));
        Frames.Frame frame = Frames.of(Compression.ZSTD).encode(envelopes(51, 52, false).bytes(),
                envelopes(51, 52, false).length());
        try (FileChannel ch = FileChannel.open(files.get(0), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(frame.bytes(), 0, frame.length() / 2));
        }
        assertThat(verifyWithKey()).isEqualTo(VerifyArchiveCommand.EXIT_DAMAGED);
        assertThat(out).contains("DAMAGED  " + name(0) + ": modified: " + (size + frame.length() / 2)
                + " bytes where the manifest says " + size);
    }

    @Test
    void aTruncatedFileIsNamed() throws Exception {
        long size = Files.size(files.get(2));
        try (FileChannel ch = FileChannel.open(files.get(2), StandardOpenOption.WRITE)) {
            ch.truncate(size - 5);
        }
        assertThat(verifyWithKey()).isEqualTo(VerifyArchiveCommand.EXIT_DAMAGED);
        assertThat(out).contains("DAMAGED  " + name(2) + ": truncated: " + (size - 5) + " bytes where the manifest"
                + " says " + size);
    }

    @Test
    void anExtraFileIsNamed() throws Exception {
        Files.writeString(dir.resolve("00000000000000000099-00000009.ndjson.zst"), "x");
        assertThat(verifyWithKey()).isEqualTo(VerifyArchiveCommand.EXIT_DAMAGED);
        assertThat(out).contains("DAMAGED  00000000000000000099-00000009.ndjson.zst: not in the manifest");
    }

    @Test
    void anEditedEntryFailsItsHmac() throws Exception {
        Path manifest = dir.resolve(ArchiveNames.MANIFEST);
        List<String> lines = new ArrayList<>(Files.readAllLines(manifest));
        lines.set(3, lines.get(3).replace("\"records\":10", "\"records\":11"));
        Files.write(manifest, lines);
        assertThat(verify()).as("without the key the edit of the last entry goes unseen").isZero();
        assertThat(verifyWithKey()).isEqualTo(VerifyArchiveCommand.EXIT_DAMAGED);
        assertThat(out).contains("DAMAGED  manifest.ndjson line 4 (" + name(3) + "): bad HMAC");
    }

    @Test
    void anotherKeyFailsEveryHmac() throws Exception {
        Path other = tmp.resolve("other");
        Files.writeString(other, "not the key");
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-------"));
        assertThat(verify("--hmac-key-file", other.toString())).isEqualTo(VerifyArchiveCommand.EXIT_DAMAGED);
        assertThat(out.lines().filter(l -> l.contains(": bad HMAC"))).hasSize(4);
        assertThat(out + err).doesNotContain("not the key", "s3cret");
    }

    @Test
    void aTornWriteInTheOpenFileIsNotedAndItsCompleteFramesAudited() throws Exception {
        try (FileChannel ch = FileChannel.open(files.get(4), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x24}));
        }
        assertThat(verifyWithKey()).as(out).isZero();
        assertThat(out).contains("5 bytes after them are a torn write, cut at the agent's next start");
        assertThat(lastLine()).isEqualTo("Verdict: archive intact, audit COMPLETE (exit 0)");
    }
}
