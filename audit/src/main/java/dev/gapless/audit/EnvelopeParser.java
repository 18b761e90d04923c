package dev.gapless.audit;

import dev.gapless.contract.Utf8;

/**
 * Reads one NDJSON line into an {@link Envelope}, or says why the line is no envelope. Lines go
 * to {@link EnvelopeScanner} first, which reads the lines the agent writes several times faster
 * than a general JSON parser; a line it is not sure about goes to {@link JacksonEnvelopeReader},
 * the reference. Either way the same checks then decide whether the fields make an envelope, so
 * which reader took a line never changes the audit.
 *
 * <p>Owned by one thread (the one feeding the {@link Auditor}).
 */
final class EnvelopeParser {

    /** The envelope version this audit understands. */
    static final int VERSION = 1;

    private final EnvelopeScanner scanner = new EnvelopeScanner();
    private final JacksonEnvelopeReader jackson = new JacksonEnvelopeReader();
    // lines the scanner handed to Jackson: malformed ones, and well-formed ones it does not take
    private long deferred;

    /**
     * Fills {@code out} from {@code buf[off, off+len)}.
     *
     * @return null when the line is an envelope, else why it is not (for the garbage report)
     */
    String parse(byte[] buf, int off, int len, Envelope out) {
        return parse(buf, off, len, true, out);
    }

    /** As {@link #parse(byte[], int, int, Envelope)}; {@code checkUtf8} false when the line is known ASCII. */
    String parse(byte[] buf, int off, int len, boolean checkUtf8, Envelope out) {
        if (checkUtf8) {
            int bad = Utf8.firstInvalid(buf, off, len);
            if (bad >= 0) {
                return "invalid UTF-8 at byte " + (bad - off + 1);
            }
        }
        if (!scanner.scan(buf, off, len, out)) {
            deferred++;
            String problem = jackson.read(buf, off, len, out);
            if (problem != null) {
                return problem;
            }
        }
        if (out.version < 0 || out.agentId == null || out.seq == Envelope.ABSENT) {
            return "not a Gapless envelope: missing " + (out.version < 0 ? "'v'" : out.agentId == null ? "'agent_id'"
                    : "'seq'");
        }
        if (out.version != VERSION) {
            return "unsupported envelope version " + out.version;
        }
        if (out.seq < 0) {
            return "not a Gapless envelope: negative seq " + out.seq;
        }
        return null;
    }

    /** Lines read by Jackson rather than the scanner so far. */
    long deferred() {
        return deferred;
    }
}
