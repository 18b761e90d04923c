package dev.gapless.it.support;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends numbered lines ({@code line-000000042 …padding}) to a TCP input on its own thread, until it has
 * sent {@code count} lines or the connection breaks.
 */
public final class LineSender implements AutoCloseable {

    private static final int BURST = 1000;

    private final AtomicLong written = new AtomicLong();
    private final Thread thread;
    private final Socket socket = new Socket();
    private volatile Throwable failure;

    public LineSender(String address, long count, int padTo) throws IOException {
        this(address, count, padTo, 0);
    }

    /**
     * Sends {@code count} lines; with {@code linesPerSecond > 0} paced to that rate in bursts of
     * {@value #BURST} lines, so that a stream lasts long enough for a test to act in the middle of it
     * however fast the receiving end is.
     */
    public LineSender(String address, long count, int padTo, long linesPerSecond) throws IOException {
        int colon = address.lastIndexOf(':');
        socket.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon
                + 1))),
                5000);
        thread = new Thread(() -> {
            try (OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024)) {
                long start = System.nanoTime();
                for (long i = 0; i < count; i++) {
                    out.write(line(i, padTo));
                    written.incrementAndGet();
                    if (linesPerSecond > 0 && (i + 1) % BURST == 0) {
                        out.flush();
                        // Ahead of the rate: wait for the burst's slot (at most one burst's worth of time).
                        long due = start + (i + 1) * 1_000_000_000L / linesPerSecond;
                        long ahead = due - System.nanoTime();
                        if (ahead > 0) {
                            LockSupport.parkNanos(ahead);
                        }
                    }
                }
                out.flush();
            } catch (IOException e) {
                failure = e;
            }
        }, "line-sender");
        thread.setDaemon(true);
        thread.start();
    }

    public static byte[] line(long i, int padTo) {
        StringBuilder sb = new StringBuilder(padTo + 1).append(String.format("line-%09d ", i));
        while (sb.length() < padTo) {
            sb.append('x');
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The number in a line made by {@link #line}, or -1. */
    public static long number(String message) {
        if (!message.startsWith("line-") || message.length() < 14) {
            return -1;
        }
        return Long.parseLong(message.substring(5, 14));
    }

    public long written() {
        return written.get();
    }

    public boolean done() {
        return !thread.isAlive();
    }

    public Throwable failure() {
        return failure;
    }

    public void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
