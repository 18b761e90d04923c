package dev.gapless.audit;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * The throughput benchmark behind {@code bench/audit-bench.sh}; not a unit test.
 *
 * <pre>
 * AuditBench generate FILE N [SHAPE]  writes N envelope lines (a heartbeat every 1,000): SHAPE
 *                                     {@code access} (default, an access log line, 525 bytes on
 *                                     average) or {@code short} (a short message, 300 bytes on average)
 * AuditBench run FILE [ROUNDS]        audits FILE ROUNDS times (default 3), printing events/s per
 *                                     round, by the wall clock and by the process's CPU time
 * AuditBench example FILE         writes a small stream with a hole, a declared loss and a restart
 * AuditBench audit ARGS...        runs the audit command, as {@code gapless audit ARGS...} would
 * </pre>
 */
public final class AuditBench {

    private AuditBench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length >= 3 && args[0].equals("generate")) {
            generate(Path.of(args[1]), Long.parseLong(args[2]), args.length > 3 ? args[3] : "access");
        } else if (args.length == 2 && args[0].equals("example")) {
            example(Path.of(args[1]));
        } else if (args.length >= 1 && args[0].equals("audit")) {
            System.exit(new CommandLine(new AuditCommand()).execute(Arrays.copyOfRange(args, 1, args.length)));
        } else if (args.length >= 2 && args[0].equals("run")) {
            run(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 3);
        } else {
            System.err.println("usage: AuditBench generate FILE N [access|short] | run FILE [ROUNDS]");
            System.exit(3);
        }
    }

    /** The stream behind the example in docs/audit.md: four records a second, a heartbeat every 30s. */
    static void example(Path file) throws IOException {
        TestStream s = new TestStream().step(Duration.ofMillis(250));
        for (long seq = 1; seq <= 3000; seq++) {
            if (seq == 2401) {
                // the agent restarts after a few silent minutes
                s.at(TestStream.T0.plus(Duration.ofMinutes(13))).boot(TestStream.BOOT_2);
            }
            if (seq >= 1201 && seq <= 1206) {
                continue; // never arrive
            }
            if (seq > 2000 && seq < 2251) {
                continue; // dropped by the agent (journal full), declared below
            }
            if (seq == 2251) {
                s.loss(seq, 2001, 2250L, "drop_oldest");
            } else if (seq % 120 == 1) {
                s.heartbeat(seq);
            } else {
                s.events(seq, seq);
            }
        }
        s.write(file);
    }

    static void generate(Path file, long n, String shape) throws IOException {
        if (!shape.equals("access") && !shape.equals("short")) {
            throw new IllegalArgumentException("shape is access or short, not " + shape);
        }
        boolean small = shape.equals("short");
        String agent = "6f1c2a9e-3b7d-4c51-9e0a-2d8f4b6c1a7e";
        String boot = "c0ffee00-1234-4abc-8def-0123456789ab";
        long t0 = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            StringBuilder sb = new StringBuilder(512);
            for (long seq = 1; seq <= n; seq++) {
                sb.setLength(0);
                String at = Instant.ofEpochMilli(t0 + seq / 10).plusNanos(seq % 1_000_000 * 1000 % 1_000_000)
                        .toString();
                boolean heartbeat = seq % 1000 == 0;
                sb.append("{\"v\":1,\"kind\":\"").append(heartbeat ? "heartbeat" : "event")
                        .append("\",\"agent_id\":\"").append(agent).append("\",\"boot_id\":\"").append(boot)
                        .append("\",\"seq\":").append(seq)
                        .append(",\"host\":\"").append(small ? "web-17" : "web-17.example.internal")
                        .append("\",\"source\":\"")
                        .append(heartbeat ? "_agent" : "app").append("\",\"received_at\":\"").append(at)
                        .append("\",\"event_time\":\"").append(at).append('"');
                if (heartbeat) {
                    sb.append(",\"message\":\"\",\"fields\":{},\"tags\":[],\"heartbeat\":{\"head_seq\":").append(seq)
                            .append(",\"interval_ms\":30000,\"uptime_ms\":").append(seq).append(",\"accepted\":")
                            .append(seq).append('}');
                } else if (small) {
                    sb.append(",\"message\":\"user ").append(seq % 977)
                            .append(" logged in\",\"fields\":{\"level\":\"info\"},\"tags\":[]");
                } else {
                    sb.append(",\"message\":\"10.1.2.").append(seq % 255)
                            .append(" - - \\\"GET /api/v2/orders/").append(seq * 7919 % 100_000)
                            .append("?expand=items HTTP/1.1\\\" 200 5123 \\\"-\\\" ")
                            .append("\\\"Mozilla/5.0 (X11; Linux x86_64)\\\"")
                            .append(" rt=0.042 uct=0.001\",\"fields\":{\"status\":200,\"path\":\"/api/v2/orders\",")
                            .append("\"latency_ms\":42.5,\"user\":{\"id\":").append(seq % 977)
                            .append(",\"tier\":\"gold\"}}")
                            .append(",\"tags\":[]");
                }
                sb.append("}\n");
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    static void run(Path file, int rounds) {
        long size = file.toFile().length();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int round = 1; round <= rounds; round++) {
            long cpuStart = os.getProcessCpuTime();
            long start = System.nanoTime();
            Auditor auditor = new Auditor(AuditOptions.defaults());
            auditor.audit(file);
            AuditReport report = auditor.report();
            long nanos = System.nanoTime() - start;
            // all of the process's threads (JIT compilers and GC included), so a busy machine that
            // takes the core away now and then does not count against the audit
            long cpu = os.getProcessCpuTime() - cpuStart;
            long lines = report.files().get(0).lines();
            System.out.printf("round %d: %,d lines (%,d MiB) in %.3f s = %,.0f events/s, %.0f MiB/s;"
                            + " cpu %.3f s = %,.0f events/cpu-s; %,d lines left to Jackson; verdict %s%n",
                    round, lines, size >> 20, nanos / 1e9, lines / (nanos / 1e9), size / 1048576.0 / (nanos / 1e9),
                    cpu / 1e9, lines / (cpu / 1e9), auditor.linesLeftToJackson(), report.verdict());
        }
        try {
            List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
            status.stream().filter(l -> l.startsWith("VmHWM") || l.startsWith("VmRSS"))
                    .forEach(l -> System.out.println(l.replaceAll("\\s+", " ")));
        } catch (IOException e) {
            System.out.println("no /proc/self/status: " + e.getMessage());
        }
        if (rounds == 1) {
            // a final table for eyeballing
            Auditor auditor = new Auditor(AuditOptions.defaults());
            auditor.audit(file);
            ReportWriter.writeTable(auditor.report(), new PrintWriter(System.out, true));
        }
    }
}
