package dev.gapless.agent.output.syslog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.HostPort;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.syslog.SyslogOutputConfig;
import dev.gapless.config.output.syslog.SyslogOutputConfig.Protocol;
import dev.gapless.config.tls.ClientTls;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Envelopes as the json_lines codec writes them, batches of them, and syslog output configs, for the tests. */
final class Envelopes {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String AGENT_ID = "6f1c2b1e-0d47-4f3a-9c55-1a2b3c4d5e6f";
    private static final Pattern SEQ = Pattern.compile("\\[gapless@32473 agent_id=\"([^\"]*)\" seq=\"([0-9]+)\"");

    private Envelopes() {
    }

    /** An event's envelope; {@code syslog} (may be null) becomes its {@code fields.syslog}. */
    static ObjectNode event(long seq, String message, ObjectNode syslog) {
        ObjectNode e = JSON.createObjectNode();
        e.put("v", 1).put("kind", "event").put("agent_id", AGENT_ID).put("boot_id", AGENT_ID).put("seq", seq)
                .put("host", "agent-host").put("source", "in")
                .put("received_at", "2026-12-02T07:00:00.123456789Z")
                .put("event_time", "2026-12-01T23:59:58.987654321Z").put("message", message);
        ObjectNode fields = e.putObject("fields");
        if (syslog != null) {
            fields.set("syslog", syslog);
        }
        e.putArray("tags");
        return e;
    }

    /** A batch of these envelopes, seqs from the first one's on. */
    static EncodedBatch batch(ObjectNode... envelopes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ObjectNode e : envelopes) {
            out.writeBytes(e.toString().getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        byte[] b = out.toByteArray();
        long first = envelopes[0].get("seq").asLong();
        return new EncodedBatch(first, first + envelopes.length - 1, envelopes.length, b, b.length);
    }

    /** A batch of {@code n} plain events from {@code first}, each message {@code text-<seq>}. */
    static EncodedBatch events(long first, int n, String text) {
        ObjectNode[] es = new ObjectNode[n];
        for (int i = 0; i < n; i++) {
            es[i] = event(first + i, text + "-" + (first + i), null);
        }
        return batch(es);
    }

    static SyslogOutputConfig config(Protocol protocol, HostPort address, Optional<ClientTls> tls, int window,
            Duration timeout, ByteSize maxMessage) {
        return new SyslogOutputConfig("relay", protocol, address, tls, "user", "info", "gapless", Optional.empty(),
                SyslogOutputConfig.DEFAULT_SD_ID, maxMessage, window, Duration.ofSeconds(2), timeout,
                Codec.JSON_LINES, BatchConfig.DEFAULT, RetryConfig.DEFAULT);
    }

    /** The seq our SD element names in a message (also checking the agent id), or -1 without one. */
    static long seqOf(String message) {
        Matcher m = SEQ.matcher(message);
        if (!m.find()) {
            return -1;
        }
        if (!m.group(1).equals(AGENT_ID)) {
            throw new AssertionError("agent_id " + m.group(1) + " in " + message);
        }
        return Long.parseLong(m.group(2));
    }
}
