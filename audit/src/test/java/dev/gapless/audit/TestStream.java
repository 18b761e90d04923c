package dev.gapless.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;

/** Builds delivered envelope streams for tests: each record is received one step after the previous. */
final class TestStream {

    static final String AGENT_A = "a1a1a1a1-0000-4000-8000-000000000001";
    static final String AGENT_B = "b2b2b2b2-0000-4000-8000-000000000002";
    static final String BOOT_1 = "0b000001-0000-4000-8000-00000000b001";
    static final String BOOT_2 = "0b000002-0000-4000-8000-00000000b002";
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private final StringBuilder text = new StringBuilder();
    private String agent = AGENT_A;
    private String boot = BOOT_1;
    private Instant now = T0;
    private Duration step = Duration.ofSeconds(1);

    TestStream agent(String id) {
        agent = id;
        return this;
    }

    TestStream boot(String id) {
        boot = id;
        return this;
    }

    TestStream at(Instant t) {
        now = t;
        return this;
    }

    TestStream step(Duration d) {
        step = d;
        return this;
    }

    /** Events {@code from..to}, each with event_time = received_at. */
    TestStream events(long from, long to) {
        for (long s = from; s <= to; s++) {
            event(s, now);
        }
        return this;
    }

    TestStream event(long seq, Instant eventTime) {
        return record("event", seq, eventTime,
                ",\"message\":\"GET /index.html 200 \\\"quoted\\\" \\u00e9t\\u00e9\",\"fields\":{\"n\":[1,{\"x\":null}]}"
                        + ",\"tags\":[]");
    }

    /** A heartbeat whose head_seq is its own seq, as the agent writes it. */
    TestStream heartbeat(long seq) {
        return heartbeat(seq, seq);
    }

    TestStream heartbeat(long seq, long headSeq) {
        return record("heartbeat", seq, now, ",\"heartbeat\":{\"head_seq\":" + headSeq
                + ",\"interval_ms\":30000,\"uptime_ms\":1000,\"accepted\":5}");
    }

    /** A loss marker; {@code to} null for an unknown end. */
    TestStream loss(long seq, long from, Long to, String reason) {
        Long count = to == null ? null : to - from + 1;
        return record("loss", seq, now, ",\"loss\":{\"from_seq\":" + from + ",\"to_seq\":" + to
                + ",\"count\":" + count + ",\"reason\":\"" + reason + "\",\"output\":null}");
    }

    /** A loss marker whose count is smaller than its range (some of it was delivered, which ones is unknown). */
    TestStream loss(long seq, long from, long to, long count, String reason, String output) {
        return record("loss", seq, now, ",\"loss\":{\"from_seq\":" + from + ",\"to_seq\":" + to
                + ",\"count\":" + count + ",\"reason\":\"" + reason + "\",\"output\":\"" + output + "\"}");
    }

    /** A skipped record as the agent writes it: the seq range only, its seq the range's end. */
    TestStream skipped(long from, long to) {
        return raw("{\"v\":1,\"kind\":\"skipped\",\"agent_id\":\"" + agent + "\",\"boot_id\":\"" + boot
                + "\",\"seq\":" + to + ",\"host\":\"web-1\",\"source\":\"_agent\",\"received_at\":\"" + now
                + "\",\"skipped\":{\"from_seq\":" + from + ",\"to_seq\":" + to + ",\"count\":" + (to - from + 1)
                + "},\"tags\":[]}");
    }

    TestStream raw(String line) {
        text.append(line).append('\n');
        return this;
    }

    private TestStream record(String kind, long seq, Instant eventTime, String rest) {
        text.append("{\"v\":1,\"kind\":\"").append(kind).append("\",\"agent_id\":\"").append(agent)
                .append("\",\"boot_id\":\"").append(boot).append("\",\"seq\":").append(seq)
                .append(",\"host\":\"web-1\",\"source\":\"").append(kind.equals("event") ? "app" : "_agent")
                .append("\",\"received_at\":\"").append(now).append("\",\"event_time\":\"").append(eventTime)
                .append('"').append(rest).append("}\n");
        now = now.plus(step);
        return this;
    }

    String text() {
        return text.toString();
    }

    byte[] bytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }

    Path write(Path file) throws IOException {
        Files.write(file, bytes());
        return file;
    }

    Path writeGzip(Path file) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes());
        }
        return file;
    }
}
