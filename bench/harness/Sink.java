// The agent benchmark's TCP destination: counts lines and bytes on every connection it accepts, notes when
// the measured lines arrive, and turns lines that start with "T<19-digit epoch nanos>" (stamped by Gen.java
// when it sent them) into end-to-end latencies. Run with `java Sink.java` (single-file source); see
// bench/agent-bench.sh.
//
//   java Sink.java PORT_FILE WARMUP_LINES MEASURED_LINES RESULT_JSON TIMEOUT_SECONDS
//
// Writes the bound port to PORT_FILE, creates RESULT_JSON.warm when WARMUP_LINES lines have arrived, and
// writes RESULT_JSON once WARMUP_LINES + MEASURED_LINES lines arrived (exit 0) or at the timeout (exit 3).
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;

public class Sink {

    static long warmup;
    static long target;
    static Path result;
    // Guarded by Sink.class.
    static long lines;
    static long bytes;
    static long firstMeasuredNs = -1;
    static long lastNs = -1;
    static long[] latencies = new long[1 << 16];
    static int latencyCount;
    static int connections;

    static long nowNs() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    public static void main(String[] args) throws Exception {
        Path portFile = Path.of(args[0]);
        warmup = Long.parseLong(args[1]);
        target = warmup + Long.parseLong(args[2]);
        result = Path.of(args[3]);
        long timeoutNs = Long.parseLong(args[4]) * 1_000_000_000L;
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        Path tmp = Path.of(args[0] + ".tmp");
        Files.writeString(tmp, Integer.toString(((InetSocketAddress) server.getLocalAddress()).getPort()));
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    SocketChannel c = server.accept();
                    synchronized (Sink.class) {
                        connections++;
                    }
                    Thread t = new Thread(() -> drain(c), "sink-conn");
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException e) {
                // closed at exit
            }
        }, "sink-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        long deadline = System.nanoTime() + timeoutNs;
        synchronized (Sink.class) {
            while (lines < target && System.nanoTime() < deadline) {
                Sink.class.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
            write(lines >= target);
            System.exit(lines >= target ? 0 : 3);
        }
    }

    // Per connection: col = bytes seen of the current line, counted only through its stamp (the first 20 bytes);
    // past that, or on an unstamped line, the scan jumps to the newline 8 bytes at a time. The buffer is direct,
    // so a read lands where it is scanned (no copy into the heap): the sink shares the machine with the agent
    // and should take as little of it as it can.
    static void drain(SocketChannel c) {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        int col = 0;
        boolean stamped = false;
        long ts = 0;
        long[] lat = new long[4096];
        try (c) {
            while (true) {
                buf.clear();
                int n = c.read(buf);
                if (n < 0) {
                    return;
                }
                long now = nowNs();
                long newLines = 0;
                int latN = 0;
                int i = 0;
                while (i < n) {
                    if (col > 0 && (!stamped || col >= 20)) { // nothing more to parse: jump to the newline
                        int nl = indexOfNewline(buf, i, n);
                        if (nl < 0) {
                            break;
                        }
                        i = nl;
                    }
                    byte b = buf.get(i++);
                    if (b == '\n') {
                        if (stamped && col >= 20) {
                            if (latN == lat.length) {
                                lat = Arrays.copyOf(lat, latN * 2);
                            }
                            lat[latN++] = now - ts;
                        }
                        newLines++;
                        col = 0;
                        stamped = false;
                        ts = 0;
                        continue;
                    }
                    if (col == 0) {
                        stamped = b == 'T';
                    } else {
                        ts = ts * 10 + (b - '0');
                    }
                    col++;
                }
                synchronized (Sink.class) {
                    long before = lines;
                    lines += newLines;
                    bytes += n;
                    if (before < warmup && lines >= warmup && warmup > 0) {
                        Files.writeString(Path.of(result + ".warm"), Long.toString(lines));
                    }
                    if (lines > warmup && firstMeasuredNs < 0) {
                        firstMeasuredNs = now;
                    }
                    if (before >= warmup || lines > warmup) {
                        // Latencies of the measured phase only (stamps of a chunk straddling the boundary count).
                        for (int k = 0; k < latN && lines > warmup; k++) {
                            if (latencyCount == latencies.length) {
                                latencies = Arrays.copyOf(latencies, latencyCount * 2);
                            }
                            latencies[latencyCount++] = lat[k];
                        }
                    }
                    if (before < target && lines >= target) {
                        lastNs = now;
                        Sink.class.notifyAll();
                    }
                }
            }
        } catch (IOException e) {
            // the agent closed the connection
        }
    }

    /** The index of the first newline in {@code b[from, to)}, or -1: eight bytes per step (SWAR). */
    static int indexOfNewline(ByteBuffer b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = b.getLong(i) ^ 0x0A0A0A0A0A0A0A0AL;
            long found = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    static long pct(long[] sorted, int n, double p) {
        if (n == 0) {
            return -1;
        }
        return sorted[Math.min(n - 1, (int) Math.ceil(p / 100.0 * n) - 1)];
    }

    static void write(boolean complete) throws IOException {
        long[] s = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(s);
        int n = s.length;
        String json = String.format(
                "{\"complete\":%b,\"lines\":%d,\"bytes\":%d,\"connections\":%d,\"first_measured_ns\":%d,\"last_ns\":%d,"
                        + "\"latency_samples\":%d,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f}%n",
                complete, lines, bytes, connections, firstMeasuredNs, lastNs, n, pct(s, n, 50) / 1e3,
                pct(s, n, 90) / 1e3, pct(s, n, 99) / 1e3, n == 0 ? -1 : s[n - 1] / 1e3);
        Path tmp = Path.of(result + ".tmp");
        Files.writeString(tmp, json);
        Files.move(tmp, result, StandardCopyOption.ATOMIC_MOVE);
    }
}
