package dev.gapless.agent.output.archive;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.archive.ArchiveOutputConfig;
import dev.gapless.config.output.archive.ArchiveOutputConfig.Compression;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Archive configs, envelope batches and readers for the archive's tests. */
final class ArchiveFixtures {

    static final String AGENT = "a1a1a1a1-0000-4000-8000-000000000001";
    static final String BOOT = "0b000001-0000-4000-8000-00000000b001";
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private ArchiveFixtures() {
    }

    static ArchiveOutputConfig config(Path dir, Compression compression, ByteSize rollSize, Duration rollInterval,
                                      Path hmacKeyFile) {
        return new ArchiveOutputConfig("vault", dir, Codec.JSON_LINES, rollSize, rollInterval, compression,
                hmacKeyFile, BatchConfig.DEFAULT, RetryConfig.DEFAULT);
    }

    static ArchiveOutputConfig config(Path dir, Compression compression) {
        return config(dir, compression, ArchiveOutputConfig.DEFAULT_ROLL_SIZE,
                ArchiveOutputConfig.DEFAULT_ROLL_INTERVAL, null);
    }

    /** Envelopes {@code from..to}, the last one a heartbeat whose head_seq is its own seq, when {@code withHead}. */
    static EncodedBatch envelopes(long from, long to, boolean withHead) {
        StringBuilder b = new StringBuilder();
        for (long seq = from; seq <= to; seq++) {
            Instant at = T0.plusSeconds(seq);
            boolean heartbeat = withHead && seq == to;
            b.append("{\"v\":1,\"kind\":\"").append(heartbeat ? "heartbeat" : "event").append("\",\"agent_id\":\"")
                    .append(AGENT).append("\",\"boot_id\":\"").append(BOOT).append("\",\"seq\":").append(seq)
                    .append(",\"host\":\"web-1\",\"source\":\"").append(heartbeat ? "_agent" : "app")
                    .append("\",\"received_at\":\"").append(at).append("\",\"event_time\":\"").append(at)
                    .append("\",\"message\":\"").append(heartbeat ? "" : "event " + seq)
                    .append("\",\"fields\":{},\"tags\":[]");
            if (heartbeat) {
                b.append(",\"heartbeat\":{\"head_seq\":").append(seq)
                        .append(",\"interval_ms\":30000,\"uptime_ms\":1000,\"accepted\":").append(seq).append('}');
            }
            b.append("}\n");
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        return new EncodedBatch(from, to, (int) (to - from + 1), bytes, bytes.length);
    }

    /** Plain lines as one batch. */
    static EncodedBatch lines(long firstSeq, String... lines) {
        byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        return new EncodedBatch(firstSeq, firstSeq + lines.length - 1, lines.length, bytes, bytes.length);
    }

    /** The archive's data files in name order, the open one included. */
    static List<Path> dataFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> ArchiveNames.parse(p.getFileName().toString()).isPresent()).sorted().toList();
        }
    }

    /** The decompressed lines of every data file, in order. */
    static List<String> decodedLines(Path dir, Compression compression) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path f : dataFiles(dir)) {
            out.addAll(decoded(f, compression).lines().toList());
        }
        return out;
    }

    static String decoded(Path file, Compression compression) throws IOException {
        try (InputStream in = Frames.of(compression).decoded(Files.newInputStream(file))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    static List<String> manifestLines(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve(ArchiveNames.MANIFEST));
    }

    /** A clock the test moves. */
    static final class StepClock extends Clock {
        Instant now = T0;

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
