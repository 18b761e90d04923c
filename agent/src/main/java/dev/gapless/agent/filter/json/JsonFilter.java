package dev.gapless.agent.filter.json;

import dev.gapless.agent.filter.FieldTree;
import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.filter.FilterEvent;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.config.FieldPath;
import dev.gapless.config.filter.json.JsonFilterConfig;
import java.io.IOException;
import java.util.Map;

/**
 * Parses the JSON text at the configured field. An object's keys are merged into the map at the target (a key
 * already there is overwritten); any other JSON value is put at the target itself, or at {@code fields.json} when the
 * target is the whole of {@code fields}. Text that is no JSON leaves the event as it was, tagged. Holds no state of
 * its own, so one instance serves every sender.
 */
final class JsonFilter implements Filter {

    /**
     * The longest text parsed, in characters (1 MiB of ASCII): longer text is left as it is and the event tagged
     * {@link #TOO_LARGE}, so one huge line cannot cost a sender a large tree and the time to build it.
     */
    static final int MAX_CHARS = 1 << 20;
    static final String TOO_LARGE = "_json_too_large";

    private static final FieldPath SCALAR_AT = FieldPath.parse("fields.json");
    private static final FieldPath MESSAGE = FieldPath.parse("message");

    private final FieldPath field;
    private final FieldPath target;
    private final boolean targetIsFields;
    private final boolean fieldIsMessage;
    private final String[] tagOnFailure;
    private final boolean removeField;
    private final FilterStats stats;

    JsonFilter(JsonFilterConfig config, FilterStats stats) {
        this.field = config.field();
        this.target = config.target();
        this.targetIsFields = target.segments().size() == 1;
        this.fieldIsMessage = field.equals(MESSAGE);
        this.tagOnFailure = config.tagOnFailure().toArray(String[]::new);
        this.removeField = config.removeField();
        this.stats = stats;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean apply(FilterEvent event) {
        Object parsed = fieldIsMessage && event.messageAsArrived() ? fromBytes(event) : null;
        if (parsed == NOT_JSON) {
            failed(event);
            return true;
        }
        if (parsed == null) {
            if (!(event.get(field) instanceof String text)) {
                return true; // nothing to parse: no text there (missing, or a value that is not a string)
            }
            if (text.length() > MAX_CHARS) {
                event.tag(TOO_LARGE);
                stats.failures.increment();
                return true;
            }
            try {
                parsed = FieldTree.parseValue(text);
            } catch (IOException | RuntimeException e) {
                failed(event);
                return true;
            }
        }
        if (removeField) {
            event.remove(field); // before the merge, so a parsed key of the same name stays
        }
        if (parsed instanceof Map<?, ?> object) {
            Object at = targetIsFields && event.fieldsAbsent() ? null : event.get(target);
            if (at instanceof Map<?, ?> into && !into.isEmpty()) {
                ((Map<String, Object>) into).putAll((Map<String, Object>) object);
                event.fieldsChanged();
            } else {
                event.put(target, object);
            }
        } else {
            event.put(targetIsFields ? SCALAR_AT : target, parsed);
        }
        return true;
    }

    private void failed(FilterEvent event) {
        for (String t : tagOnFailure) {
            event.tag(t);
        }
        stats.failures.increment();
    }

    /** What {@link #fromBytes} says of ASCII that is no JSON: its text, the same characters, is none either. */
    private static final Object NOT_JSON = new Object();

    /**
     * The message parsed from the bytes it arrived as, without decoding it first; {@link #NOT_JSON} when those are
     * ASCII and no JSON; null when the bytes do not say (a JSON null, text too long to say here, bytes the parser
     * could take for another encoding, bytes that are not UTF-8 JSON but hold non-ASCII), so the text is parsed
     * instead. Every outcome is the text's: the same values, tags and counts either way, and a line that is no
     * JSON is parsed once.
     */
    private static Object fromBytes(FilterEvent event) {
        int n = event.messageLength();
        if (n > MAX_CHARS) {
            return null; // the text may still be short enough: as many characters as bytes at most
        }
        byte[] b = event.messageArray();
        int from = event.messageOffset();
        for (int i = 0; i < Math.min(n, 4); i++) {
            if (b[from + i] == 0 || b[from + i] < 0 && i == 0) {
                // A zero byte or a byte-order mark in the first four: the parser would take the bytes for UTF-16
                // or UTF-32, where the text reads them as UTF-8.
                return null;
            }
        }
        try {
            return FieldTree.parseValue(b, from, n);
        } catch (IOException | RuntimeException e) {
            for (int i = from; i < from + n; i++) {
                if (b[i] < 0) {
                    return null; // not ASCII: the text reads bad bytes as U+FFFD, which may still be JSON
                }
            }
            return NOT_JSON;
        }
    }
}
