package dev.gapless.agent.journal;

import java.nio.charset.StandardCharsets;

/** The JSON bodies of the records the journal writes itself. */
final class LossMarkers {

    private LossMarkers() {
    }

    /** {@code {"from_seq":..,"to_seq":..,"count":..,"reason":"..","output":..}}. */
    static byte[] body(long from, long to, String reason, String output) {
        return body(from, to, to - from + 1, reason, output);
    }

    /** The same with a count smaller than the range: that many of it were lost, which ones is not known. */
    static byte[] body(long from, long to, long count, String reason, String output) {
        StringBuilder sb = new StringBuilder(96);
        sb.append("{\"from_seq\":").append(from)
                .append(",\"to_seq\":").append(to)
                .append(",\"count\":").append(count)
                .append(",\"reason\":\"").append(reason).append('"');
        if (output != null) {
            sb.append(",\"output\":\"").append(output).append('"');
        }
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The body of the heartbeat written when a reader asked for a roll past damage. */
    static byte[] rollNote(long seq) {
        return "{\"note\":\"segment rolled past damage\"}".getBytes(StandardCharsets.UTF_8);
    }
}
