package dev.gapless.agent.filter.sample;

import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.filter.FilterEvent;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.agent.plugin.FilterFactory;
import dev.gapless.config.FieldPath;
import dev.gapless.config.filter.sample.SampleFilterConfig;
import dev.gapless.config.filter.sample.SampleFilterType;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds {@code type: sample}. Without a key, a counter shared by every sender keeps the 1st, the (rate+1)th, and
 * so on: exactly one in {@code rate}. With a key, an event is kept when a mixed hash of its key's text is a multiple
 * of {@code rate} (String hashes are the same on every JVM, so the choice is the same after a restart); an event
 * without the key falls back to the counter.
 */
public final class SampleFilterFactory implements FilterFactory<SampleFilterConfig> {

    @Override
    public SampleFilterType type() {
        return SampleFilterType.INSTANCE;
    }

    @Override
    public Filter create(SampleFilterConfig config, FilterContext context) {
        return new Sample(config.rate(), config.key().orElse(null));
    }

    /** The live filter; its only state is the atomic counter. */
    static final class Sample implements Filter {
        private final int rate;
        private final FieldPath key; // null: by the counter alone
        private final AtomicLong seen = new AtomicLong();

        Sample(int rate, FieldPath key) {
            this.rate = rate;
            this.key = key;
        }

        @Override
        public boolean apply(FilterEvent event) {
            if (key != null) {
                Object v = event.get(key);
                if (v != null) {
                    return keeps(String.valueOf(v), rate);
                }
            }
            return seen.getAndIncrement() % rate == 0;
        }
    }

    /** Whether the key {@code text} is among the kept one in {@code rate}. */
    static boolean keeps(String text, int rate) {
        int h = text.hashCode();
        h ^= h >>> 16; // mix the bits so that any rate, even a power of two, sees them all
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Integer.remainderUnsigned(h, rate) == 0;
    }
}
