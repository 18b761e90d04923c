package dev.gapless.it.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends numbered lines ({@link LineSender#line}) at a steady rate to an agent's TCP input, across agent restarts:
 * when the connection breaks it reads the input's new address from {@code <data_dir>/run/listeners.json} and
 * connects again, carrying on with the next number. Lines written into the socket of an agent that was going
 * away may never have been accepted (TCP has no application ack): what the agent accepted is judged by seq.
 */
public final class SteadySender implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lines are written in ticks of this length; the rate is kept over the whole run, not per tick. */
    private static final long TICK_MS = 10;

    private final Path listeners;
    private final String inputId;
    private final int linesPerSecond;
    private final int padTo;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public SteadySender(Path dataDir, String inputId, int linesPerSecond, int padTo) {
        this.listeners = dataDir.resolve("run/listeners.json");
        this.inputId = inputId;
        this.linesPerSecond = linesPerSecond;
        this.padTo = padTo;
        this.thread = new Thread(this::run, "steady-sender");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        long start = System.nanoTime();
        Socket socket = null;
        OutputStream out = null;
        while (running) {
            try {
                if (socket == null) {
                    socket = connect();
                    if (socket == null) {
                        TimeUnit.MILLISECONDS.sleep(TICK_MS);
                        continue;
                    }
                    out = socket.getOutputStream();
                    connects.incrementAndGet();
                }
                long due = (System.nanoTime() - start) / 1_000_000 * linesPerSecond / 1000;
                while (written.get() < due) {
                    out.write(LineSender.line(written.get(), padTo));
                    written.incrementAndGet();
                }
                out.flush();
                TimeUnit.MILLISECONDS.sleep(TICK_MS);
            } catch (IOException e) {
                closeQuietly(socket);
                socket = null;
            } catch (InterruptedException e) {
                break;
            }
        }
        closeQuietly(socket);
    }

    private Socket connect() {
        String address;
        try {
            address = JSON.readTree(listeners.toFile()).path("inputs").path(inputId).asText(null);
        } catch (IOException e) {
            return null; // not written yet, or being replaced
        }
        if (address == null) {
            return null;
        }
        int colon = address.lastIndexOf(':');
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon
                    + 1))),
                    500);
            return s;
        } catch (IOException e) {
            closeQuietly(s);
            return null; // a stale listeners.json of an agent that is gone
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Lines written into a socket so far. */
    public long written() {
        return written.get();
    }

    /** Connections made so far (1 + the reconnections after agent restarts). */
    public long connects() {
        return connects.get();
    }

    /** Stops sending and closes the connection. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
