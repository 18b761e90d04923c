package dev.gapless.watchdog.policy;

import java.util.Map;

/**
 * A condition one probe saw, before hysteresis: the policy acts on it only once it was seen
 * unhealthy_probes times in a row.
 */
record Finding(Cause cause, String output, String input, Map<String, Object> details) {

    /** Identifies "the same condition" from one probe to the next. */
    String key() {
        return cause.wireName() + "/" + (output != null ? "output:" + output : input != null ? "input:" + input : "");
    }
}
