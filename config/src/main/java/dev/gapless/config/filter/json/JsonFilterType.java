package dev.gapless.config.filter.json;

import dev.gapless.config.FieldPath;
import dev.gapless.config.plugin.FilterCommon;
import dev.gapless.config.plugin.FilterType;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import java.util.List;

/** {@code type: json}: parses JSON text of the event into its fields. */
public final class JsonFilterType implements FilterType<JsonFilterConfig> {

    public static final String NAME = "json";
    public static final JsonFilterType INSTANCE = new JsonFilterType();

    private static final FieldPath MESSAGE = FieldPath.parse("message");
    private static final FieldPath FIELDS = FieldPath.parse("fields");

    private JsonFilterType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<JsonFilterConfig> configClass() {
        return JsonFilterConfig.class;
    }

    @Override
    public JsonFilterConfig bind(Settings s, FilterCommon c) {
        FieldPath field = s.get("field", Kind.FIELD_PATH, MESSAGE);
        FieldPath target = s.get("target", Kind.FIELD_PATH, FIELDS);
        List<String> tags = s.get("tag_on_failure", Kind.STRING_LIST, List.of("_jsonparsefailure"));
        boolean remove = s.get("remove_field", Kind.BOOLEAN, false);
        boolean ok = true;
        if (!target.segments().get(0).equals("fields")) {
            s.problem("target must be 'fields' or a path under it, got '" + target + "'", "target");
            ok = false;
        }
        if (remove && !(field.segments().get(0).equals("fields") || field.equals(MESSAGE))) {
            s.problem("remove_field needs a field that can be removed ('message' or under 'fields'), got '"
                    + field + "'", "remove_field");
            ok = false;
        }
        return c.id() == null || !ok ? null : new JsonFilterConfig(c.id(), c.when(), field, target, tags, remove);
    }
}
