// The per-source and per-output benchmarks' load generator: COUNT events of SIZE bytes each, numbered from START,
// sent to an agent's input in one of its protocols, as fast as it takes them or at RATE events/s. Every message
// reads "X<19 digits> <10-digit seq> <letters>": X is 'T' and the digits the epoch nanos at which its chunk was
// handed over for one message in STAMP_EVERY (Sink.java turns them into latencies), else 'a' and zeros; the seq
// (at offset 21) lets SeqSink.java, KafkaCheck.java and OsCheck.java tell lost and duplicated events. Prints one
// JSON line. Compiled by bench/source-bench.sh and bench/output-bench.sh with the distribution's lib/ on the
// class path (the otlp mode builds its requests with the agent's generated OTLP classes).
//
//   java LoadGen MODE TARGET COUNT SIZE [RATE (0 = unlimited)] [START (0)] [BATCH (1000)] [IN_FLIGHT (4)]
//
// MODE and TARGET:
//   tcp   HOST:PORT  newline-terminated lines over one connection (the tcp input)
//   octet HOST:PORT  RFC 5424 messages in RFC 6587 octet-counted frames over one connection (syslog, protocol tcp)
//   relp  HOST:PORT  RELP: open, then one syslog frame per message, at most IN_FLIGHT unanswered (rsyslog's
//                    window is 128); the run ends when every frame is answered "200 OK"; any other answer fails it
//   http  URL        POSTs of BATCH NDJSON lines {"message":"..."} (Content-Type application/x-ndjson), IN_FLIGHT
//                    connections each with one request outstanding; ends when every request is answered 200
//   otlp  URL        POSTs of OTLP/HTTP protobuf ExportLogsServiceRequests of BATCH log records (body: the message),
//                    as http; the URL ends in /v1/logs
//   file  PATH       the lines of tcp written to a file (then fsynced), for the file input
// A 503 is sent again after 100 ms (counted in "retries"), for at most RETRY_FOR_S seconds per request; any other
// answer than 200 (503 for that long, a closed connection three times in a row) ends the generator with exit 2.
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

public class LoadGen {

    static final int CHUNK = 1000;
    static final int STAMP_EVERY = 1000;
    static final int MIN_SIZE = 32;
    static final long RETRY_FOR_S = 120;
    static final String SYSLOG_HEADER = "<14>1 2026-12-02T07:00:00.000000Z bench loadgen 42 - - ";

    static String mode;
    static long count;
    static int size;
    static long rate;
    static long start;
    static int batch;
    static int inFlight;
    static final AtomicLong retries = new AtomicLong();
    static final AtomicLong lastNs = new AtomicLong();
    static long startNano;
    static long firstNs;

    static long nowNs() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    public static void main(String[] args) throws Exception {
        mode = args[0];
        String target = args[1];
        count = Long.parseLong(args[2]);
        size = Integer.parseInt(args[3]);
        rate = args.length > 4 ? Long.parseLong(args[4]) : 0;
        start = args.length > 5 ? Long.parseLong(args[5]) : 0;
        batch = args.length > 6 ? Integer.parseInt(args[6]) : 1000;
        inFlight = args.length > 7 ? Integer.parseInt(args[7]) : 4;
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("SIZE must be at least " + MIN_SIZE + " bytes (stamp and seq)");
        }
        startNano = System.nanoTime();
        firstNs = nowNs();
        switch (mode) {
            case "tcp" -> stream(target, false);
            case "octet" -> stream(target, true);
            case "relp" -> relp(target);
            case "http", "otlp" -> http(URI.create(target));
            case "file" -> file(Path.of(target));
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
        long end = lastNs.get() == 0 ? nowNs() : lastNs.get();
        double secs = (System.nanoTime() - startNano) / 1e9;
        System.out.printf("{\"mode\":\"%s\",\"events\":%d,\"first_send_ns\":%d,\"last_ns\":%d,\"send_seconds\":%.3f,"
                + "\"events_per_s\":%.0f,\"retries\":%d}%n", mode, count, firstNs, end, secs, count / secs,
                retries.get());
    }

    static void restartClock() {
        startNano = System.nanoTime();
        firstNs = nowNs();
    }

    /** Waits until {@code sent} events are due at RATE (no wait when unlimited). */
    static void pace(long sent) {
        if (rate > 0) {
            long wait = startNano + sent * 1_000_000_000L / rate - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** Writes the message of {@code seq} (SIZE bytes) at {@code at}. */
    static void message(byte[] b, int at, long seq, long stamp) {
        boolean stamped = stamp != 0 && seq % STAMP_EVERY == 0; // the file mode has no send time: no stamps
        b[at] = (byte) (stamped ? 'T' : 'a');
        long v = stamp;
        for (int d = 19; d >= 1; d--) {
            b[at + d] = (byte) (stamped ? '0' + v % 10 : '0');
            v /= 10;
        }
        b[at + 20] = ' ';
        long s = seq;
        for (int d = 30; d >= 21; d--) {
            b[at + d] = (byte) ('0' + s % 10);
            s /= 10;
        }
        b[at + 31] = ' ';
    }

    static void letters(byte[] b, int at, int n) {
        for (int k = 0; k < n; k++) {
            b[at + k] = (byte) ('a' + k % 26);
        }
    }

    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    // tcp and octet: fixed-size records (a line, or a counted frame) patched in place, CHUNK per write.
    static void stream(String target, boolean octet) throws IOException {
        byte[] prefix = new byte[0];
        if (octet) {
            int msgLen = SYSLOG_HEADER.length() + size;
            prefix = (msgLen + " " + SYSLOG_HEADER).getBytes(StandardCharsets.US_ASCII);
        }
        int rec = prefix.length + size + (octet ? 0 : 1);
        byte[] chunk = new byte[CHUNK * rec];
        for (int l = 0; l < CHUNK; l++) {
            System.arraycopy(prefix, 0, chunk, l * rec, prefix.length);
            letters(chunk, l * rec + prefix.length, size);
            if (!octet) {
                chunk[l * rec + rec - 1] = '\n';
            }
        }
        ByteBuffer buf = ByteBuffer.wrap(chunk);
        try (SocketChannel ch = SocketChannel.open(address(target))) {
            ch.socket().setSendBufferSize(1 << 20);
            long sent = 0;
            while (sent < count) {
                int n = (int) Math.min(CHUNK, count - sent);
                pace(sent);
                long stamp = nowNs();
                for (int l = 0; l < n; l++) {
                    message(chunk, l * rec + prefix.length, start + sent + l, stamp);
                }
                buf.clear().limit(n * rec);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                sent += n;
            }
        }
    }

    static void file(Path path) throws IOException {
        int rec = size + 1;
        byte[] chunk = new byte[CHUNK * rec];
        for (int l = 0; l < CHUNK; l++) {
            letters(chunk, l * rec, size);
            chunk[l * rec + size] = '\n';
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long sent = 0;
            while (sent < count) {
                int n = (int) Math.min(CHUNK, count - sent);
                for (int l = 0; l < n; l++) {
                    message(chunk, l * rec, start + sent + l, 0);
                }
                ByteBuffer buf = ByteBuffer.wrap(chunk, 0, n * rec);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                sent += n;
            }
            ch.force(true);
        }
    }

    // RELP (RFC-less; rsyslog's librelp): "TXNR SP COMMAND SP DATALEN [SP DATA] LF".
    static void relp(String target) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(address(target), 10_000);
            s.setTcpNoDelay(true);
            s.setSoTimeout(60_000);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            byte[] offer = "relp_version=0\nrelp_software=gapless-bench\ncommands=syslog".getBytes(
                    StandardCharsets.US_ASCII);
            out.write(("1 open " + offer.length + " ").getBytes(StandardCharsets.US_ASCII));
            out.write(offer);
            out.write('\n');
            out.flush();
            String[] open = readRsp(in);
            if (!open[0].equals("1") || !open[1].startsWith("200")) {
                throw new IOException("RELP open refused: " + String.join(" ", open));
            }
            restartClock(); // the session is open: the clock starts with the first message
            Semaphore window = new Semaphore(inFlight);
            long total = count;
            long[] answered = {0};
            Throwable[] failure = {null};
            Thread reader = new Thread(() -> {
                try {
                    long expect = 2;
                    for (long k = 0; k < total; k++) {
                        String[] r = readRsp(in);
                        if (!r[0].equals(Long.toString(expect)) || !r[1].startsWith("200")) {
                            throw new IOException("RELP answer " + String.join(" ", r) + " (expected " + expect
                                    + " 200)");
                        }
                        expect++;
                        answered[0] = k + 1;
                        window.release();
                    }
                    lastNs.set(nowNs());
                } catch (Throwable t) {
                    failure[0] = t;
                    window.release(inFlight);
                }
            }, "relp-answers");
            reader.setDaemon(true);
            reader.start();
            byte[] header = SYSLOG_HEADER.getBytes(StandardCharsets.US_ASCII);
            byte[] msg = new byte[header.length + size];
            System.arraycopy(header, 0, msg, 0, header.length);
            letters(msg, header.length, size);
            byte[] lenAndSp = (" syslog " + msg.length + " ").getBytes(StandardCharsets.US_ASCII);
            long stamp = nowNs();
            for (long k = 0; k < count; k++) {
                if (!window.tryAcquire()) {
                    out.flush();
                    while (!window.tryAcquire(1, TimeUnit.SECONDS)) {
                        if (!reader.isAlive()) {
                            break;
                        }
                    }
                }
                if (failure[0] != null) {
                    break;
                }
                if (k % CHUNK == 0) {
                    pace(k);
                    stamp = nowNs();
                }
                message(msg, header.length, start + k, stamp);
                out.write(Long.toString(k + 2).getBytes(StandardCharsets.US_ASCII));
                out.write(lenAndSp);
                out.write(msg);
                out.write('\n');
            }
            out.flush();
            reader.join(TimeUnit.SECONDS.toMillis(RETRY_FOR_S));
            if (failure[0] != null || reader.isAlive()) {
                throw new IOException("RELP: " + answered[0] + " of " + count + " answered", failure[0]);
            }
            out.write(((count + 2) + " close 0\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /** One RELP frame from the server: {txnr, data} (the command must be rsp). */
    static String[] readRsp(InputStream in) throws IOException {
        String txnr = token(in);
        String command = token(in);
        int len = Integer.parseInt(token(in));
        byte[] data = in.readNBytes(len);
        if (data.length < len) {
            throw new EOFException("RELP frame cut off");
        }
        if (len > 0 && in.read() != '\n') {
            throw new IOException("RELP frame without its trailer");
        }
        if (!command.equals("rsp")) {
            throw new IOException("RELP: the server sent " + command + " " + new String(data, StandardCharsets.UTF_8));
        }
        return new String[] {txnr, new String(data, StandardCharsets.UTF_8)};
    }

    /** Bytes up to a space or a newline (a DATALEN of 0 ends with the trailer). */
    static String token(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("RELP connection closed");
            }
            if (c == ' ' || c == '\n') {
                return b.toString();
            }
            b.append((char) c);
        }
        throw new IOException("RELP header token too long: " + b);
    }

    // http and otlp: IN_FLIGHT threads, each with its own keep-alive connection and one request at a time.
    static void http(URI url) throws Exception {
        long batches = (count + batch - 1) / batch;
        AtomicLong next = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        Throwable[] failure = {null};
        List<Template> templates = new ArrayList<>();
        for (int t = 0; t < inFlight; t++) {
            templates.add(mode.equals("otlp") ? otlpTemplate() : ndjsonTemplate());
        }
        restartClock(); // the requests' templates are built: the clock starts with the first request
        for (int t = 0; t < inFlight; t++) {
            Template own = templates.get(t);
            Thread th = new Thread(() -> {
                try {
                    HttpConn conn = new HttpConn(url, mode.equals("otlp") ? "application/x-protobuf"
                            : "application/x-ndjson");
                    try {
                        for (long b = next.getAndIncrement(); b < batches && failure[0] == null;
                                b = next.getAndIncrement()) {
                            long first = b * batch;
                            int n = (int) Math.min(batch, count - first);
                            pace(first);
                            byte[] body = own.fill(start + first, n, nowNs());
                            conn.post(body, own.length(n));
                            lastNs.accumulateAndGet(nowNs(), Math::max);
                        }
                    } finally {
                        conn.close();
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        if (failure[0] == null) {
                            failure[0] = e;
                        }
                    }
                }
            }, "post-" + t);
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        if (failure[0] != null) {
            System.err.println("generator failed: " + failure[0]);
            failure[0].printStackTrace();
            System.exit(2);
        }
    }

    /**
     * A request body for BATCH events serialised once, with the offset of each event's message in it: a request is
     * the template with the messages patched (same length), so the generator spends little CPU. A last request of
     * fewer events is a template of its own.
     */
    interface Template {
        byte[] fill(long firstSeq, int n, long stamp);

        int length(int n);
    }

    static Template ndjsonTemplate() {
        return new Template() {
            final byte[] body = ndjson(batch);
            final byte[] tail = count % batch == 0 ? null : ndjson((int) (count % batch));
            final int line = "{\"message\":\"\"}\n".length() + size;

            byte[] ndjson(int n) {
                ByteArrayOutputStream b = new ByteArrayOutputStream(n * (size + 16));
                byte[] msg = new byte[size];
                letters(msg, 0, size);
                for (int k = 0; k < n; k++) {
                    b.writeBytes("{\"message\":\"".getBytes(StandardCharsets.US_ASCII));
                    b.writeBytes(msg);
                    b.writeBytes("\"}\n".getBytes(StandardCharsets.US_ASCII));
                }
                return b.toByteArray();
            }

            @Override
            public byte[] fill(long firstSeq, int n, long stamp) {
                byte[] b = n == batch ? body : tail;
                for (int k = 0; k < n; k++) {
                    message(b, k * line + 12, firstSeq + k, stamp);
                }
                return b;
            }

            @Override
            public int length(int n) {
                return n * line;
            }
        };
    }

    static Template otlpTemplate() throws Exception {
        return new Template() {
            final Object[] full = otlp(batch);
            final Object[] tail = count % batch == 0 ? null : otlp((int) (count % batch));

            @Override
            public byte[] fill(long firstSeq, int n, long stamp) {
                Object[] t = n == batch ? full : tail;
                byte[] b = (byte[]) t[0];
                int[] at = (int[]) t[1];
                for (int k = 0; k < n; k++) {
                    message(b, at[k], firstSeq + k, stamp);
                }
                return b;
            }

            @Override
            public int length(int n) {
                return ((byte[]) (n == batch ? full : tail)[0]).length;
            }
        };
    }

    /** {serialised request, offsets of each record's body string}. */
    static Object[] otlp(int n) {
        var scope = dev.gapless.agent.otlp.proto.logs.v1.ScopeLogs.newBuilder()
                .setScope(dev.gapless.agent.otlp.proto.common.v1.InstrumentationScope.newBuilder().setName("bench"));
        long now = System.currentTimeMillis() * 1_000_000L;
        byte[] msg = new byte[size];
        letters(msg, 0, size);
        for (int k = 0; k < n; k++) {
            message(msg, 0, k, 0); // distinct per record, so each can be found below
            msg[0] = 'Q';
            scope.addLogRecords(dev.gapless.agent.otlp.proto.logs.v1.LogRecord.newBuilder()
                    .setTimeUnixNano(now)
                    .setSeverityNumber(dev.gapless.agent.otlp.proto.logs.v1.SeverityNumber.SEVERITY_NUMBER_INFO)
                    .setSeverityText("INFO")
                    .setBody(dev.gapless.agent.otlp.proto.common.v1.AnyValue.newBuilder()
                            .setStringValue(new String(msg, StandardCharsets.US_ASCII))));
        }
        var request = dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(dev.gapless.agent.otlp.proto.logs.v1.ResourceLogs.newBuilder()
                        .setResource(dev.gapless.agent.otlp.proto.resource.v1.Resource.newBuilder()
                                .addAttributes(dev.gapless.agent.otlp.proto.common.v1.KeyValue.newBuilder()
                                        .setKey("service.name")
                                        .setValue(dev.gapless.agent.otlp.proto.common.v1.AnyValue.newBuilder()
                                                .setStringValue("loadgen"))))
                        .addScopeLogs(scope))
                .build();
        byte[] bytes = request.toByteArray();
        int[] at = new int[n];
        int from = 0;
        for (int k = 0; k < n; k++) {
            message(msg, 0, k, 0);
            msg[0] = 'Q';
            int i = indexOf(bytes, msg, from);
            if (i < 0) {
                throw new IllegalStateException("record " + k + " not found in the serialised request");
            }
            at[k] = i;
            from = i + size;
        }
        return new Object[] {bytes, at};
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A keep-alive HTTP/1.1 connection: POST, read the status line, headers and Content-Length body. */
    static final class HttpConn {
        final URI url;
        final byte[] head;
        Socket socket;
        OutputStream out;
        InputStream in;

        HttpConn(URI url, String contentType) {
            this.url = url;
            this.head = ("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                    + "\r\nContent-Type: " + contentType + "\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
        }

        void connect() throws IOException {
            close();
            socket = new Socket();
            socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 10_000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 14);
        }

        void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing
                }
                socket = null;
            }
        }

        void post(byte[] body, int length) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RETRY_FOR_S);
            int closedInARow = 0;
            while (true) {
                int status;
                try {
                    if (socket == null) {
                        connect();
                    }
                    out.write(head);
                    out.write((length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, 0, length);
                    out.flush();
                    status = readResponse();
                    closedInARow = 0;
                } catch (EOFException e) {
                    close();
                    if (++closedInARow >= 3) {
                        throw new IOException("the server closed the connection 3 times in a row", e);
                    }
                    status = -1;
                }
                if (status == 200) {
                    return;
                }
                if (status != 503 && status != -1) {
                    throw new IOException("answer " + status + " to a POST of " + length + " bytes");
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("still refused (" + status + ") after " + RETRY_FOR_S + " s");
                }
                retries.incrementAndGet();
                Thread.sleep(100); // a 503 (journal full, agent stopping): sent again within the deadline above
            }
        }

        int readResponse() throws IOException {
            String status = line();
            String[] parts = status.split(" ");
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP answer: " + status);
            }
            int length = 0;
            boolean close = false;
            for (int i = 0; i < 100; i++) {
                String h = line();
                if (h.isEmpty()) {
                    break;
                }
                String lower = h.toLowerCase();
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(h.substring(15).trim());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (in.readNBytes(length).length < length) {
                throw new EOFException("answer body cut off");
            }
            if (close) {
                close();
            }
            return Integer.parseInt(parts[1]);
        }

        String line() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 8192; i++) {
                int c = in.read();
                if (c < 0) {
                    throw new EOFException("connection closed");
                }
                if (c == '\n') {
                    int n = b.length();
                    return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
                }
                b.append((char) c);
            }
            throw new IOException("HTTP header line too long");
        }
    }
}
