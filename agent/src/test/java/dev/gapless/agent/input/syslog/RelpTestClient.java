package dev.gapless.agent.input.syslog;

import dev.gapless.agent.net.relp.RelpFrame;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocketFactory;

/**
 * A RELP client for tests, written from the protocol's description: blocking, one socket, frames written as given
 * (so a test can also write malformed ones) and answers read one at a time with a deadline.
 */
final class RelpTestClient implements AutoCloseable {

    static final int READ_TIMEOUT_MS = 15_000;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RelpTestClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MS);
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    static RelpTestClient connect(int port) throws IOException {
        return new RelpTestClient(new Socket("127.0.0.1", port));
    }

    static RelpTestClient connect(int port, SSLSocketFactory tls) throws IOException {
        return new RelpTestClient(tls.createSocket("127.0.0.1", port));
    }

    /** Opens the session as librelp does and returns the server's answer. */
    RelpFrame open() throws IOException {
        send(1, "open", "relp_version=0\nrelp_software=test,1,none\ncommands=syslog");
        return read();
    }

    void send(long txnr, String command, String data) throws IOException {
        byte[] d = data.getBytes(StandardCharsets.UTF_8);
        raw(txnr + " " + command + " " + d.length + (d.length > 0 ? " " : ""));
        out.write(d);
        out.write('\n');
        out.flush();
    }

    void raw(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The next frame from the server; EOFException at its close, SocketTimeoutException past the deadline. */
    RelpFrame read() throws IOException {
        long txnr = Long.parseLong(token());
        String command = token();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = next()) != ' ' && c != '\n') {
            head.write(c);
        }
        int len = Integer.parseInt(head.toString(StandardCharsets.US_ASCII));
        byte[] data = in.readNBytes(len);
        if (data.length < len) {
            throw new EOFException("frame cut short");
        }
        if (len > 0 && next() != '\n') {
            throw new IOException("no trailer");
        }
        return new RelpFrame(txnr, command, data, false);
    }

    /** True if the server closed the connection (after any frames it sent, which are skipped). */
    boolean closedByServer() throws IOException {
        try {
            while (in.read() >= 0) {
                // frames after the last one read: not looked at
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }

    /** True if nothing arrives within {@code millis} (the connection stays open, silent). */
    boolean silentFor(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            int c = in.read();
            if (c >= 0) {
                throw new IOException("expected silence, got byte " + c);
            }
            return false;
        } catch (SocketTimeoutException silent) {
            return true;
        } finally {
            socket.setSoTimeout(READ_TIMEOUT_MS);
        }
    }

    private String token() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = next()) != ' ') {
            sb.append((char) c);
        }
        return sb.toString();
    }

    private int next() throws IOException {
        int c = in.read();
        if (c < 0) {
            throw new EOFException("closed by the server");
        }
        return c;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
