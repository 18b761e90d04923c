package dev.gapless.agent.input.journald;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real journal files, written by Debian's {@code systemd-journal-remote} (unpacked under
 * {@code agent/target/journal-remote} by {@code .ci/run}, never installed) from export-format input the test makes.
 */
final class JournalRemote {

    static final Path ROOT = Path.of("target", "journal-remote").toAbsolutePath();
    static final Path BINARY = ROOT.resolve("lib/systemd/systemd-journal-remote");
    static final String BOOT_ID = "0123456789abcdef0123456789abcdef";

    private JournalRemote() {
    }

    /** Skips the test, saying why, when the binaries are not here. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "systemd-journal-remote is not unpacked at " + BINARY
                + ": .ci/run downloads it (apt-get download systemd-journal-remote libmicrohttpd12, dpkg -x into "
                + "agent/target/journal-remote)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/journalctl"))
                || Files.isExecutable(Path.of("/bin/journalctl")), "journalctl is not on this machine");
    }

    /** One entry in export format; a byte[] value is written in the binary-safe form. */
    static byte[] entry(long realtimeMicros, Map<String, Object> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("__REALTIME_TIMESTAMP=" + realtimeMicros + "\n__MONOTONIC_TIMESTAMP=" + realtimeMicros
                + "\n_BOOT_ID=" + BOOT_ID + "\n").getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (e.getValue() instanceof byte[] bin) {
                out.writeBytes((e.getKey() + "\n").getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(bin.length).array());
                out.writeBytes(bin);
                out.write('\n');
            } else {
                out.writeBytes((e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** Appends {@code entries} to the journal file {@code file} (created if absent), waiting until it is written. */
    static void write(Path file, List<byte[]> entries) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), "--output=" + file, "--split-mode=none",
                "--compress=no", "-");
        pb.environment().put("LD_LIBRARY_PATH", ROOT.resolve("usr/lib/x86_64-linux-gnu").toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                for (byte[] e : entries) {
                    in.write(e);
                }
            }
            byte[] said = p.getInputStream().readAllBytes(); // ends when it exits
            if (!p.waitFor(15, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("systemd-journal-remote failed: " + new String(said, StandardCharsets.UTF_8));
            }
        } finally {
            p.destroyForcibly();
        }
    }
}
