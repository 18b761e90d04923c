package dev.gapless.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RangeSetTest {

    @Test
    void keepsADenseRunAsOneRange() {
        RangeSet set = new RangeSet();
        for (long s = 1; s <= 1_000_000; s++) {
            assertThat(set.add(s)).isTrue();
        }
        assertThat(set.rangeCount()).isEqualTo(1);
        assertThat(set.count()).isEqualTo(1_000_000);
    }

    @Test
    void reportsARepeatedValueAsNotAdded() {
        RangeSet set = new RangeSet();
        set.add(5);
        set.add(7);
        assertThat(set.add(5)).isFalse();
        assertThat(set.add(7)).isFalse();
        assertThat(set.add(6)).isTrue();
        assertThat(set.toString()).isEqualTo("[5-7]");
    }

    @Test
    void mergesOutOfOrderValuesAndRangesLikeASet() {
        Random random = new Random(42);
        RangeSet set = new RangeSet();
        TreeSet<Long> model = new TreeSet<>();
        for (int i = 0; i < 20_000; i++) {
            long x = random.nextInt(5_000);
            if (random.nextInt(10) == 0) {
                long to = x + random.nextInt(30);
                set.addRange(x, to);
                for (long k = x; k <= to; k++) {
                    model.add(k);
                }
            } else {
                assertThat(set.add(x)).isEqualTo(model.add(x));
            }
        }
        assertThat(set.count()).isEqualTo(model.size());
        for (long k = 0; k < 5_100; k++) {
            assertThat(set.contains(k)).as("contains %d", k).isEqualTo(model.contains(k));
        }
        for (int i = 1; i < set.rangeCount(); i++) {
            assertThat(set.start(i)).isGreaterThan(set.end(i - 1) + 1);
        }
    }

    @Test
    void complementIntersectionAndDifferenceNameTheRightRanges() {
        RangeSet seen = new RangeSet();
        seen.addRange(1, 10);
        seen.addRange(15, 20);
        seen.addRange(31, 40);
        RangeSet missing = seen.complementWithin(1, 40);
        assertThat(missing.toString()).isEqualTo("[11-14, 21-30]");

        RangeSet declared = new RangeSet();
        declared.addRange(21, 25);
        assertThat(missing.intersect(declared).toString()).isEqualTo("[21-25]");
        assertThat(missing.minus(declared).toString()).isEqualTo("[11-14, 26-30]");
        assertThat(seen.complementWithin(0, 45).toString()).isEqualTo("[0, 11-14, 21-30, 41-45]");
    }
}
