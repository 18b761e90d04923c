package dev.gapless.config.filter.redact;

import dev.gapless.config.FieldPath;
import dev.gapless.config.plugin.FilterCommon;
import dev.gapless.config.plugin.FilterType;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@code type: redact}: masks e-mail addresses, card numbers, tokens, keys and user patterns in one field. */
public final class RedactFilterType implements FilterType<RedactFilterConfig> {

    public static final String NAME = "redact";
    public static final RedactFilterType INSTANCE = new RedactFilterType();

    private RedactFilterType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<RedactFilterConfig> configClass() {
        return RedactFilterConfig.class;
    }

    @Override
    public RedactFilterConfig bind(Settings s, FilterCommon c) {
        FieldPath field = s.get("field", Kind.FIELD_PATH, RedactFilterConfig.DEFAULT_FIELD);
        List<String> rules = s.get("rules", Kind.STRING_LIST, List.of());
        Map<String, String> written = s.get("patterns", Kind.STRING_MAP, Map.of());
        String mask = s.get("mask", Kind.STRING, RedactFilterConfig.DEFAULT_MASK);
        Duration timeout = s.get("timeout", Kind.POSITIVE_DURATION, RedactFilterConfig.DEFAULT_TIMEOUT);
        boolean ok = true;
        for (String r : rules) {
            if (!RedactFilterConfig.BUILT_IN.contains(r)) {
                s.problem("unknown rule '" + r + "'; the built-in rules are "
                        + String.join(", ", RedactFilterConfig.BUILT_IN) + " (your own go under patterns)", "rules");
                ok = false;
            }
        }
        Map<String, Pattern> patterns = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : written.entrySet()) {
            if (RedactFilterConfig.BUILT_IN.contains(p.getKey())) {
                s.problem("pattern '" + p.getKey() + "' has the name of a built-in rule", "patterns");
                ok = false;
                continue;
            }
            try {
                patterns.put(p.getKey(), Pattern.compile(p.getValue()));
            } catch (PatternSyntaxException e) {
                s.problem("pattern '" + p.getKey() + "' does not compile: " + e.getDescription() + " near index "
                        + e.getIndex(), "patterns");
                ok = false;
            }
        }
        if (rules.isEmpty() && written.isEmpty()) {
            s.problem("a redact filter needs at least one of rules or patterns", "rules", "patterns");
            ok = false;
        }
        String root = field.segments().get(0);
        if (!(root.equals("message") && field.segments().size() == 1) && !root.equals("fields")) {
            s.problem("field is message or a path under fields", "field");
            ok = false;
        }
        if (!ok || c.id() == null) {
            return null;
        }
        return new RedactFilterConfig(c.id(), c.when(), field, rules, patterns, mask, timeout);
    }
}
