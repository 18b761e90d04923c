package dev.gapless.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.contract.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scanner's invariant: a line it takes is read exactly as Jackson reads it; every other line
 * is left to Jackson. Checked on the agent's own lines, on hand-picked awkward ones, and on random
 * mutations of valid lines (seeded, so a failure repeats).
 */
class EnvelopeScannerTest {

    private static final String EVENT = "{\"v\":1,\"kind\":\"event\",\"agent_id\":\"" + TestStream.AGENT_A
            + "\",\"boot_id\":\"" + TestStream.BOOT_1 + "\",\"seq\":42,\"host\":\"web-1\",\"source\":\"app\","
            + "\"received_at\":\"2026-11-23T10:00:00.123456789Z\",\"event_time\":\"2026-11-23T09:59:59Z\","
            + "\"message\":\"GET /x \\\"q\\\" \\u00e9t\\u00e9 \u00e9 \\\\ \\/ \\b\\f\\n\\r\\t\","
            + "\"fields\":{\"n\":[1,-2.5e-3,{\"x\":null,\"y\":true,\"z\":false}],\"e\":{},\"a\":[]},\"tags\":[\"t\"]}";
    private static final String HEARTBEAT = "{\"v\":1,\"kind\":\"heartbeat\",\"agent_id\":\"" + TestStream.AGENT_A
            + "\",\"boot_id\":\"" + TestStream.BOOT_1 + "\",\"seq\":1000,\"host\":\"web-1\",\"source\":\"_agent\","
            + "\"received_at\":\"2026-11-23T10:00:30+02:00\",\"event_time\":null,\"message\":\"\",\"fields\":{},"
            + "\"tags\":[],\"heartbeat\":{\"head_seq\":1012,\"interval_ms\":30000,\"uptime_ms\":1000,\"accepted\":5}}";
    private static final String LOSS = "{ \"v\" : 1 , \"kind\":\"loss\",\"agent_id\":\"" + TestStream.AGENT_B
            + "\",\"boot_id\":\"" + TestStream.BOOT_2 + "\",\"seq\":2251,\"received_at\":\"2026-11-23T10:00:00Z\","
            + "\"loss\":{\"from_seq\":2001,\"to_seq\":null,\"count\":250,\"reason\":\"drop_oldest\",\"output\":null}}\t";
    private static final List<String> VALID = List.of(EVENT, HEARTBEAT, LOSS);

    private final EnvelopeScanner scanner = new EnvelopeScanner();
    private final JacksonEnvelopeReader jackson = new JacksonEnvelopeReader();

    @Test
    void readsTheAgentsLinesAsJacksonDoes() {
        for (String line : VALID) {
            assertThat(takenAndAgrees(line)).as(line).isTrue();
        }
        String bench = new TestStream().events(1, 3).heartbeat(4).loss(5, 1, null, "rejected").skipped(6, 9).text();
        for (String line : bench.split("\n")) {
            assertThat(takenAndAgrees(line)).as(line).isTrue();
        }
    }

    @Test
    void readsASkippedRecordsRangeAsJacksonDoes() {
        String line = new TestStream().skipped(6, 9).text().trim();
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        Envelope e = new Envelope();
        assertThat(scanner.scan(b, 0, b.length, e)).isTrue();
        assertThat(e.kind).isEqualTo(Envelope.KIND_SKIPPED);
        assertThat(List.of(e.seq, e.lossFrom, e.lossTo, e.lossCount)).containsExactly(9L, 6L, 9L, 4L);
        assertThat(takenAndAgrees(line)).isTrue();
    }

    @Test
    void readsKnownKeysOfOtherTypesAsJacksonDoes() {
        String[] lines = {
            "{\"v\":1,\"agent_id\":\"a\",\"seq\":1,\"kind\":7,\"boot_id\":[1],\"heartbeat\":\"x\",\"loss\":3}",
            // members of a structured value are not the envelope's (Jackson's reader once took them)
            "{\"v\":1,\"agent_id\":\"a\",\"seq\":1,\"boot_id\":{\"seq\":99},\"kind\":{\"v\":2}}",
            "{\"v\":1,\"agent_id\":\"a\",\"seq\":1,\"loss\":{\"from_seq\":{\"to_seq\":7},\"reason\":[1]}}",
            "{\"v\":1,\"agent_id\":\"a\",\"seq\":1,\"received_at\":5,\"event_time\":{\"a\":1}}",
            "{\"v\":1,\"agent_id\":\"a\",\"seq\":1,\"heartbeat\":{\"head_seq\":\"9\",\"head_seq\":null}}",
            "{\"v\":1,\"agent_id\":\"a\",\"seq\":1,\"loss\":{\"from_seq\":\"1\",\"to_seq\":[],\"reason\":5,\"output\":{}}}",
            "{\"v\":1,\"agent_id\":\"a\",\"seq\":1,\"kind\":\"heartbeat\",\"kind\":null,\"seq\":-0,\"v\":-3}",
            "{\"v\":1,\"agent_id\":\"\u00e9\u4e2d\",\"boot_id\":\"\",\"seq\":1,\"received_at\":\"2026-11-23T10:00:00\u00e9\"}",
            "{}",
            "  {\"seq\":999999999999999999}  ",
        };
        for (String line : lines) {
            assertThat(takenAndAgrees(line)).as(line).isTrue();
        }
    }

    @Test
    void leavesToJacksonWhatItDoesNotTake() {
        String deep = "[".repeat(JsonCursor.MAX_DEPTH) + "]".repeat(JsonCursor.MAX_DEPTH);
        String[] lines = {
            "{\"v\":1,\"agent_id\":\"a\",\"s\\u0065q\":5}",          // an escaped key
            "{\"v\":1,\"agent_id\":\"a\\u0062\",\"seq\":5}",          // an escape in a kept string
            "{\"v\":1,\"agent_id\":\"a\",\"seq\":5,\"fields\":" + deep + "}",
            "{\"v\":1,\"agent_id\":\"a\",\"seq\":1000000000000000000}", // 19 digits
            "{\"v\":1,\"agent_id\":\"a\",\"seq\":5,\"heartbeat\":{\"head_seq\":1.5}}",
            "{\"v\":1,\"agent_id\":\"a\",\"seq\":5,\"loss\":{\"from_seq\":1e3}}",
            "\uFEFF{\"v\":1,\"agent_id\":\"a\",\"seq\":5}",           // a byte order mark
        };
        for (String line : lines) {
            assertThat(scan(line)).as(line).isFalse();
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            assertThat(jackson.read(b, 0, b.length, new Envelope())).as(line).isNull();
        }
    }

    @Test
    void leavesMalformedLinesToJackson() {
        String[] lines = {
            "", " ", "[]", "{", "{\"v\":1", "{\"v\":1,}", "{\"v\":01}", "{\"v\":1}x", "{\"v\":1}{}", "{\"v\":1.}",
            "{\"v\":-}", "{\"a\":tru}", "{\"a\":truex}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"\t\"}",
            "{\"a\":[1,]}", "{\"a\":[,1]}", "{\"a\" 1}", "{'a':1}", "{\"a\":1 \"b\":2}", "{\"a\":.5}", "{\"a\":+1}",
            "{\"a\":1e}", "{\"a\":NaN}", "{\"a\":\"x}", "{\"v\":1,\"agent_id\":\"a\",\"seq\":5 /* c */}",
        };
        for (String line : lines) {
            assertThat(scan(line)).as(line).isFalse();
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            assertThat(jackson.read(b, 0, b.length, new Envelope())).as(line).isNotNull();
        }
    }

    @Test
    void randomMutationsOfValidLinesAreReadAsJacksonReadsThemOrLeftToIt() {
        Random random = new Random(20261123);
        byte[] alphabet = "{}[]\":,\\ \t0123456789-+.eEtrufalsn/bx\u0001\u007f"
                .getBytes(StandardCharsets.ISO_8859_1);
        int taken = 0;
        int malformed = 0;
        int tried = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] line = VALID.get(random.nextInt(VALID.size())).getBytes(StandardCharsets.UTF_8);
            for (int m = 1 + random.nextInt(3); m > 0; m--) {
                line = mutate(line, random, alphabet);
            }
            if (!Utf8.isValid(line, 0, line.length)) {
                continue; // the parser turns these away before either reader sees them
            }
            tried++;
            String jacksonProblem = jackson.read(line, 0, line.length, new Envelope());
            if (jacksonProblem != null && jacksonProblem.startsWith("malformed")) {
                malformed++;
            }
            if (scanAgrees(line, jacksonProblem)) {
                taken++;
            }
        }
        // the mutations must reach both sides of the boundary for the test to mean anything
        assertThat(taken).isGreaterThan(tried / 10);
        assertThat(malformed).isGreaterThan(tried / 3);
    }

    private static byte[] mutate(byte[] line, Random random, byte[] alphabet) {
        int at = random.nextInt(line.length + 1);
        byte any = alphabet[random.nextInt(alphabet.length)];
        switch (random.nextInt(6)) {
            case 0: // delete a byte
                return at == line.length ? line : concat(Arrays.copyOf(line, at), Arrays.copyOfRange(line, at + 1,
                        line.length));
            case 1: // insert a byte
                return concat(Arrays.copyOf(line, at), new byte[] {any}, Arrays.copyOfRange(line, at, line.length));
            case 2: // replace a byte
                if (at < line.length) {
                    byte[] copy = line.clone();
                    copy[at] = any;
                    return copy;
                }
                return line;
            case 3: // truncate
                return Arrays.copyOf(line, at);
            case 4: // repeat a span (duplicate keys, doubled values)
                int to = Math.min(line.length, at + 1 + random.nextInt(40));
                return concat(Arrays.copyOf(line, to), Arrays.copyOfRange(line, at, line.length));
            default: // replace a digit run's neighbourhood with a big number
                return concat(Arrays.copyOf(line, at), "12345678901234567890".substring(random.nextInt(19))
                        .getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(line, at, line.length));
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private boolean scan(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return scanner.scan(b, 0, b.length, new Envelope());
    }

    private boolean takenAndAgrees(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return scanAgrees(b, jackson.read(b, 0, b.length, new Envelope()));
    }

    /**
     * Scans {@code line} placed inside a larger buffer (so reading past its end would show) and,
     * when the scanner takes it, checks that Jackson read it without a problem and to the same values.
     */
    private boolean scanAgrees(byte[] line, String jacksonProblem) {
        byte[] buf = new byte[line.length + 16];
        Arrays.fill(buf, (byte) '}');
        System.arraycopy(line, 0, buf, 8, line.length);
        Envelope fast = new Envelope();
        if (!scanner.scan(buf, 8, line.length, fast)) {
            return false;
        }
        String text = new String(line, StandardCharsets.UTF_8);
        assertThat(jacksonProblem).as("Jackson's verdict on a line the scanner took: %s", text).isNull();
        Envelope reference = new Envelope();
        jackson.read(line, 0, line.length, reference);
        assertThat(describe(fast)).as(text).isEqualTo(describe(reference));
        return true;
    }

    private static String describe(Envelope e) {
        List<Object> all = new ArrayList<>(List.of(e.version, e.kind, e.seq, e.receivedAt, e.eventTime, e.headSeq,
                e.lossFrom, e.lossTo, e.lossCount));
        all.add(e.agentId);
        all.add(e.bootId);
        all.add(e.lossReason);
        all.add(e.lossOutput);
        return all.toString();
    }
}
