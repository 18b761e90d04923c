package dev.gapless.watchdog.policy;

import java.util.Map;
import java.util.Objects;

/**
 * What the policy decided after one probe.
 *
 * @param action                what to do
 * @param cause                 why
 * @param output                the output concerned, or null
 * @param input                 the input concerned, or null
 * @param details               the figures that led to it (for the incident journal), in a stable order
 * @param restartCountInWindow  restarts counted in the budget window, including this one when it restarts
 */
public record Decision(
        Action action,
        Cause cause,
        String output,
        String input,
        Map<String, Object> details,
        int restartCountInWindow) {

    public Decision {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(cause, "cause");
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    @Override
    public String toString() {
        String subject = output != null ? " output=" + output : input != null ? " input=" + input : "";
        return action.wireName() + " cause=" + cause.wireName() + subject + " " + details;
    }
}
