package dev.gapless.agent.net.relp;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One RELP frame: {@code TXNR SP COMMAND SP DATALEN [SP DATA] LF}.
 *
 * @param txnr      the transaction number (0 only for {@code serverclose}; senders use 1..999,999,999)
 * @param command   the command, 1 to 32 ASCII letters ({@code open}, {@code syslog}, {@code rsp}, ...)
 * @param data      the data, at most the decoder's limit: a longer one is cut to it
 * @param truncated the frame's DATALEN was past the decoder's limit, so {@code data} holds only its start
 */
public record RelpFrame(long txnr, String command, byte[] data, boolean truncated) {

    /** The largest transaction number; a sender's next one after it is 1 again. */
    public static final long MAX_TXNR = 999_999_999L;

    public RelpFrame {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(data, "data");
    }

    /** The data as text (offers, a response's status), for the commands whose data is ASCII. */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "RelpFrame[" + txnr + " " + command + " " + data.length + (truncated ? " truncated]" : "]");
    }
}
