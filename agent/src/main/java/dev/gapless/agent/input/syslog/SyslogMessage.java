package dev.gapless.agent.input.syslog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One parsed syslog message, as {@link SyslogParser} fills it: the header parts it found (null or -1 when absent
 * or nil), the structured data and where the MSG part lies in the parsed bytes. Reused message after message by
 * its owner (one connection, one UDP socket); not thread-safe.
 */
final class SyslogMessage {

    /** "No timestamp": the event time is the receive time. */
    static final long NO_TIME = Long.MIN_VALUE;

    /** 0..23, or -1 without a PRI. */
    int facility = -1;
    /** 0..7, or -1 without a PRI. */
    int severity = -1;
    /** Epoch nanoseconds, or {@link #NO_TIME}. */
    long timeNanos = NO_TIME;
    String hostname;
    String appName;
    String procId;
    String msgId;
    /** SD-ID to its parameters in order, each a String or, for a name repeated, a List of them; null: none. */
    Map<String, Map<String, Object>> structuredData;
    /** The MSG part: {@code [msgFrom, msgTo)} of the parsed array (after a BOM, which is not part of it). */
    int msgFrom;
    int msgTo;

    void reset() {
        facility = -1;
        severity = -1;
        timeNanos = NO_TIME;
        hostname = null;
        appName = null;
        procId = null;
        msgId = null;
        structuredData = null;
        msgFrom = 0;
        msgTo = 0;
    }

    /** Adds one SD-PARAM; a repeated SD-ID adds to the first one's parameters, a repeated name becomes a list. */
    @SuppressWarnings("unchecked")
    void param(String sdId, String name, String value) {
        Map<String, Object> params = element(sdId);
        Object before = params.putIfAbsent(name, value);
        if (before instanceof String first) {
            params.put(name, new ArrayList<>(List.of(first, value)));
        } else if (before instanceof List<?> list) {
            ((List<Object>) list).add(value);
        }
    }

    Map<String, Object> element(String sdId) {
        if (structuredData == null) {
            structuredData = new LinkedHashMap<>();
        }
        return structuredData.computeIfAbsent(sdId, k -> new LinkedHashMap<>());
    }
}
