// A TCP destination that checks LoadGen.java's seqs: counts the lines on every connection it accepts (a restarted
// agent connects again) by the seq each carries, and ends when all TOTAL seqs arrived (exit 0) or at the timeout
// (exit 3), writing RESULT_JSON (SeqCount's figures and last_ns, when the last new seq came). Once all arrived it
// waits LINGER_S more seconds for duplicates before it writes; it also ends (exit 3) once nothing new has come
// for IDLE_S seconds after the first line, so a run that lost events is not held until the timeout.
// Run with `java -cp TOOLS SeqSink`.
//
//   java SeqSink PORT_FILE TOTAL RESULT_JSON TIMEOUT_S [LINGER_S (2)] [IDLE_S (60)]
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

public class SeqSink {

    static SeqCount count;
    static long lastNs = -1;
    static long lastNano = -1;
    static int connections;

    static long nowNs() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    public static void main(String[] args) throws Exception {
        Path portFile = Path.of(args[0]);
        long total = Long.parseLong(args[1]);
        Path result = Path.of(args[2]);
        long deadline = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
        long linger = (args.length > 4 ? Long.parseLong(args[4]) : 2) * 1000;
        long idleNs = (args.length > 5 ? Long.parseLong(args[5]) : 60) * 1_000_000_000L;
        count = new SeqCount(total);
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Path tmp = Path.of(args[0] + ".tmp");
        Files.writeString(tmp, Integer.toString(server.getLocalPort()));
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket c = server.accept();
                    synchronized (SeqSink.class) {
                        connections++;
                    }
                    Thread t = new Thread(() -> drain(c), "seqsink-conn");
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException e) {
                // closed at exit
            }
        }, "seqsink-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        boolean complete;
        synchronized (SeqSink.class) {
            while (count.distinct() < total && System.nanoTime() < deadline
                    && (lastNano < 0 || System.nanoTime() - lastNano < idleNs)) {
                SeqSink.class.wait(1000); // woken by the last seq; else a look at the deadlines once a second
            }
            complete = count.distinct() >= total;
        }
        if (complete) {
            Thread.sleep(linger); // duplicates that come after the last new seq still count
        }
        String json;
        synchronized (SeqSink.class) {
            json = count.json().replace("}", String.format(",\"complete\":%b,\"last_ns\":%d,\"connections\":%d}",
                    complete, lastNs, connections));
        }
        Path t = Path.of(args[2] + ".tmp");
        Files.writeString(t, json + "\n");
        Files.move(t, result, StandardCopyOption.ATOMIC_MOVE);
        System.exit(complete ? 0 : 3);
    }

    static void drain(Socket c) {
        byte[] line = new byte[1 << 16];
        try (c; InputStream in = new BufferedInputStream(c.getInputStream(), 1 << 20)) {
            int n = 0;
            int b;
            while ((b = in.read()) >= 0) {
                if (b != '\n') {
                    if (n < line.length) {
                        line[n] = (byte) b;
                    }
                    n++;
                    continue;
                }
                synchronized (SeqSink.class) {
                    long before = count.distinct();
                    count.add(line, 0, Math.min(n, line.length));
                    lastNano = System.nanoTime();
                    if (count.distinct() > before) {
                        lastNs = nowNs();
                        if (count.distinct() >= count.total) {
                            SeqSink.class.notifyAll();
                        }
                    }
                }
                n = 0;
            }
        } catch (IOException e) {
            // the agent closed the connection
        }
    }
}
