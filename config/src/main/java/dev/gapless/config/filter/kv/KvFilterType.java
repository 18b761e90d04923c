package dev.gapless.config.filter.kv;

import dev.gapless.config.FieldPath;
import dev.gapless.config.plugin.FilterCommon;
import dev.gapless.config.plugin.FilterType;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import java.util.List;

/** {@code type: kv}: splits {@code key=value} pairs out of text into the event's fields. */
public final class KvFilterType implements FilterType<KvFilterConfig> {

    public static final String NAME = "kv";
    public static final KvFilterType INSTANCE = new KvFilterType();

    private static final FieldPath MESSAGE = FieldPath.parse("message");
    private static final FieldPath FIELDS = FieldPath.parse("fields");

    private KvFilterType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<KvFilterConfig> configClass() {
        return KvFilterConfig.class;
    }

    @Override
    public KvFilterConfig bind(Settings s, FilterCommon c) {
        FieldPath field = s.get("field", Kind.FIELD_PATH, MESSAGE);
        FieldPath target = s.get("target", Kind.FIELD_PATH, FIELDS);
        // Any characters, whitespace too (a space is the default): only an empty string separates nothing.
        String fieldSplit = s.get("field_split", Kind.STRING, " ");
        String valueSplit = s.get("value_split", Kind.STRING, "=");
        List<String> include = s.get("include_keys", Kind.STRING_LIST, List.of());
        List<String> exclude = s.get("exclude_keys", Kind.STRING_LIST, List.of());
        String prefix = s.get("prefix", Kind.STRING, "");
        List<String> tags = s.get("tag_on_failure", Kind.STRING_LIST, List.of("_kvparsefailure"));
        boolean ok = true;
        for (String key : List.of("field_split", "value_split")) {
            if ((key.equals("field_split") ? fieldSplit : valueSplit).isEmpty()) {
                s.problem("expected at least one separator character, got ''", key);
                ok = false;
            }
        }
        if (!target.segments().get(0).equals("fields")) {
            s.problem("target must be 'fields' or a path under it, got '" + target + "'", "target");
            ok = false;
        }
        for (int i = 0; i < valueSplit.length(); i++) {
            if (fieldSplit.indexOf(valueSplit.charAt(i)) >= 0) {
                s.problem("'" + valueSplit.charAt(i) + "' is in both field_split and value_split", "value_split");
                ok = false;
                break;
            }
        }
        for (String q : List.of("\"", "'", "\\")) {
            if (fieldSplit.contains(q) || valueSplit.contains(q)) {
                s.problem("quotes and backslashes cannot separate (they quote values)", "field_split",
                        "value_split");
                ok = false;
                break;
            }
        }
        return c.id() == null || !ok ? null : new KvFilterConfig(c.id(), c.when(), field, target, fieldSplit,
                valueSplit, include, exclude, prefix, tags);
    }
}
