// The agent benchmark's load generator: sends COUNT newline-terminated lines of SIZE bytes (SIZE + 1 on the
// wire) over one TCP connection, as fast as the peer takes them or at RATE lines/s. One line in every
// STAMP_EVERY starts with "T<19-digit epoch nanos> ", the time its chunk was handed to the socket, which
// Sink.java turns into a latency. Prints one JSON line. Run with `java Gen.java` (single-file source).
//
//   java Gen.java HOST PORT COUNT SIZE [RATE (0 = unlimited)] [STAMP_EVERY (default 1000)]
//
// LINE_FORMAT=apache (environment): each line is an Apache combined-log line whose client is a 20-character host
// name (the stamp takes its place on stamped lines, itself a valid host name), its user agent padded to SIZE.
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

public class Gen {

    static final int CHUNK_LINES = 1000;

    static long nowNs() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** An Apache combined-log line of exactly {@code size} bytes; its first 21 are a host name and a space. */
    static byte[] apacheLine(int l, int size) {
        String head = String.format("h%019d - frank [10/Oct/2026:13:55:%02d -0700] \"GET /apache_pb%d.gif HTTP/1.0\""
                + " 200 %d \"http://www.example.com/start.html\" \"Mozilla/5.0 (X11; Linux x86_64; rv:120.0)", l,
                l % 60, l, 2000 + l);
        StringBuilder b = new StringBuilder(head);
        if (b.length() + 1 > size) {
            throw new IllegalArgumentException("SIZE must be at least " + (b.length() + 1) + " for LINE_FORMAT=apache");
        }
        while (b.length() < size - 1) {
            b.append('x');
        }
        return b.append('"').toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long count = Long.parseLong(args[2]);
        int size = Integer.parseInt(args[3]);
        long rate = args.length > 4 ? Long.parseLong(args[4]) : 0;
        int stampEvery = args.length > 5 ? Integer.parseInt(args[5]) : 1000;
        if (size < 21) {
            throw new IllegalArgumentException("SIZE must be at least 21 bytes (the stamp)");
        }
        int lineBytes = size + 1;
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_LINES * lineBytes);
        boolean apache = "apache".equals(System.getenv("LINE_FORMAT"));
        for (int l = 0; l < CHUNK_LINES; l++) {
            if (apache) {
                chunk.put(apacheLine(l, size));
            } else {
                for (int k = 0; k < size; k++) {
                    chunk.put((byte) ('a' + (k + l) % 26));
                }
            }
            chunk.put((byte) '\n');
        }
        try (SocketChannel ch = SocketChannel.open(new InetSocketAddress(host, port))) {
            ch.socket().setSendBufferSize(1 << 20);
            long start = System.nanoTime();
            long firstNs = nowNs();
            long sent = 0;
            long seq = 0;
            while (sent < count) {
                int lines = (int) Math.min(CHUNK_LINES, count - sent);
                if (rate > 0) {
                    long due = start + sent * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                long stamp = nowNs();
                for (int l = 0; l < lines; l++, seq++) {
                    int at = l * lineBytes;
                    if (seq % stampEvery == 0) {
                        chunk.put(at, (byte) 'T');
                        long v = stamp;
                        for (int d = 19; d >= 1; d--) {
                            chunk.put(at + d, (byte) ('0' + v % 10));
                            v /= 10;
                        }
                        chunk.put(at + 20, (byte) ' ');
                    } else {
                        chunk.put(at, (byte) 'a'); // not a stamp (the rest may keep an old stamp's digits)
                    }
                }
                chunk.clear().limit(lines * lineBytes);
                while (chunk.hasRemaining()) {
                    ch.write(chunk);
                }
                sent += lines;
            }
            long endNs = nowNs();
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("{\"lines\":%d,\"bytes\":%d,\"first_send_ns\":%d,\"last_write_ns\":%d,"
                            + "\"send_seconds\":%.3f,\"send_lines_per_s\":%.0f}%n",
                    sent, sent * lineBytes, firstNs, endNs, secs, sent / secs);
        }
    }
}
