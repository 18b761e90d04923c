package dev.gapless.agent.filter.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.filter.FilterEvent;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleFilterFactoryTest {

    @Test
    void theCounterKeepsExactlyOneInRate() {
        SampleFilterFactory.Sample s = new SampleFilterFactory.Sample(10, null);
        FilterEvent e = new FilterEvent();
        int kept = 0;
        for (int i = 0; i < 1000; i++) {
            kept += s.apply(e) ? 1 : 0;
        }
        assertThat(kept).isEqualTo(100);
    }

    @Test
    void aKeyIsAlwaysKeptOrAlwaysDroppedAndAboutOneInRateAreKept() {
        Map<String, Boolean> first = new HashMap<>();
        int kept = 0;
        for (int i = 0; i < 10_000; i++) {
            boolean k = SampleFilterFactory.keeps("req-" + i, 10);
            kept += k ? 1 : 0;
            first.put("req-" + i, k);
        }
        for (Map.Entry<String, Boolean> en : first.entrySet()) {
            assertThat(SampleFilterFactory.keeps(en.getKey(), 10)).isEqualTo(en.getValue());
        }
        assertThat(kept).isBetween(850, 1150);
        assertThat(SampleFilterFactory.keeps("anything", 1)).isTrue();
    }
}
