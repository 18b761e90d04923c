package dev.gapless.config.filter.sample;

import dev.gapless.config.FieldPath;
import dev.gapless.config.plugin.FilterCommon;
import dev.gapless.config.plugin.FilterType;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import java.util.Optional;

/** {@code type: sample}: {@code rate} (required, at least 1) and an optional {@code key} field path. */
public final class SampleFilterType implements FilterType<SampleFilterConfig> {

    public static final String NAME = "sample";
    public static final SampleFilterType INSTANCE = new SampleFilterType();

    private SampleFilterType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<SampleFilterConfig> configClass() {
        return SampleFilterConfig.class;
    }

    @Override
    public SampleFilterConfig bind(Settings s, FilterCommon c) {
        Integer rate = s.required("rate", Kind.integer(1, Integer.MAX_VALUE));
        Optional<FieldPath> key = s.optional("key", Kind.FIELD_PATH);
        if (c.id() == null || rate == null) {
            return null;
        }
        return new SampleFilterConfig(c.id(), c.when(), rate, key);
    }
}
