package dev.gapless.agent.output.route;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.filter.FieldTree;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.FieldPath;
import dev.gapless.config.condition.Condition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A journal record as a {@code when:} condition sees it at an output: {@code source}, {@code message} (the UTF-8
 * text, bad bytes as U+FFFD), {@code tags} (the names of its tag bits) and {@code fields.…} (its fields JSON). Each
 * part is decoded only when the condition first reads it, and at most once per record: a condition on
 * {@code source} never parses the fields. Fields that are not one JSON object read as an empty object (the record
 * then fails a condition on them, it is not an error). Reused for every record: only the output worker thread.
 */
final class RecordSubject implements Condition.Subject {

    private JournalRecord record;
    // Decoded on first use for the current record; null: not yet.
    private String message;
    private List<String> tags;
    private Map<String, Object> fields;

    /** Points the subject at {@code r}, forgetting what was decoded of the record before. */
    RecordSubject of(JournalRecord r) {
        record = r;
        message = null;
        tags = null;
        fields = null;
        return this;
    }

    @Override
    public Object value(FieldPath path) {
        List<String> keys = path.segments();
        String root = keys.get(0);
        if (!root.equals("fields")) {
            if (keys.size() != 1) {
                return null; // source.x, message.x, tags.x: nothing there
            }
            return switch (root) {
                case "source" -> record.source();
                case "message" -> message();
                case "tags" -> tags();
                default -> null;
            };
        }
        Object at = fields();
        for (int i = 1; i < keys.size(); i++) {
            if (!(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = m.get(keys.get(i));
        }
        return at;
    }

    private String message() {
        if (message == null) {
            message = new String(record.data(), record.messageOffset(), record.messageLength(),
                    StandardCharsets.UTF_8);
        }
        return message;
    }

    private List<String> tags() {
        if (tags == null) {
            List<String> all = Tags.names(record.tags()); // built-in first, then the free-form ones, as sent
            all.addAll(record.freeTags());
            tags = List.copyOf(all);
        }
        return tags;
    }

    private Map<String, Object> fields() {
        if (fields == null) {
            if (record.extraLength() == 0) {
                fields = Map.of();
            } else {
                try {
                    fields = FieldTree.parseObject(record.data(), record.extraOffset(), record.extraLength());
                } catch (IOException e) {
                    fields = Map.of(); // the journal holds what an input wrote: unreadable fields match nothing
                }
            }
        }
        return fields;
    }
}
