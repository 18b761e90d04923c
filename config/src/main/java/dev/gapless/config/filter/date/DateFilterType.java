package dev.gapless.config.filter.date;

import dev.gapless.config.FieldPath;
import dev.gapless.config.plugin.FilterCommon;
import dev.gapless.config.plugin.FilterType;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code type: date}: a field parsed into the event time. Every format is checked when the config loads. */
public final class DateFilterType implements FilterType<DateFilterConfig> {

    public static final String NAME = "date";
    public static final DateFilterType INSTANCE = new DateFilterType();

    private DateFilterType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<DateFilterConfig> configClass() {
        return DateFilterConfig.class;
    }

    @Override
    public DateFilterConfig bind(Settings s, FilterCommon c) {
        FieldPath field = s.required("field", Kind.FIELD_PATH);
        List<String> formats = s.required("formats", Kind.STRINGS);
        Optional<String> zone = s.optional("timezone", Kind.NON_EMPTY_STRING);
        String localeTag = s.get("locale", Kind.NON_EMPTY_STRING, "");
        FieldPath target = s.get("target", Kind.FIELD_PATH, DateFilterConfig.DEFAULT_TARGET);
        List<String> tags = s.get("tag_on_failure", Kind.STRING_LIST, DateFilterConfig.DEFAULT_TAG_ON_FAILURE);
        boolean ok = field != null && formats != null;
        Locale locale = localeTag.isEmpty() ? DateFilterConfig.DEFAULT_LOCALE : Locale.forLanguageTag(localeTag);
        if (formats != null) {
            for (int i = 0; i < formats.size(); i++) {
                String f = formats.get(i);
                if (DateFilterConfig.NAMED.contains(f)) {
                    continue;
                }
                try {
                    DateTimeFormatter.ofPattern(f, locale);
                } catch (IllegalArgumentException e) {
                    s.problem("format " + (i + 1) + " ('" + f + "') is neither a named format ("
                            + String.join(", ", DateFilterConfig.NAMED) + ") nor a valid java.time pattern: "
                            + e.getMessage(), "formats");
                    ok = false;
                }
            }
        }
        Optional<ZoneId> timezone = Optional.empty();
        if (zone.isPresent()) {
            try {
                timezone = Optional.of(ZoneId.of(zone.get()));
            } catch (DateTimeException e) {
                s.problem("unknown time zone '" + zone.get() + "': use a region such as Europe/Paris, or UTC, or an"
                        + " offset such as +01:00", "timezone");
                ok = false;
            }
        }
        if (!target.equals(DateFilterConfig.EVENT_TIME)
                && (!target.segments().get(0).equals("fields") || target.segments().size() < 2)) {
            s.problem("target is event_time or a path under fields, such as fields.time", "target");
            ok = false;
        }
        if (!ok || c.id() == null) {
            return null;
        }
        return new DateFilterConfig(c.id(), c.when(), field, formats, timezone, locale, target, tags);
    }
}
