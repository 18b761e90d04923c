package dev.gapless.agent.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FramesTest {

    @Test
    void builderSkipsRecordsThatWroteNothingAndGrowsPastItsFirstArrays() {
        Frames.Builder b = new Frames.Builder();
        b.add(1, 0); // a record the codec wrote nothing for, first
        b.add(2, 3);
        b.add(3, 3); // nothing again
        for (int i = 0; i < 100; i++) {
            b.add(4 + i, 4 + 2 * i);
        }
        Frames f = b.view();
        assertThat(f.count()).isEqualTo(101);
        assertThat(f.seq(0)).isEqualTo(2);
        assertThat(f.start(0)).isZero();
        assertThat(f.end(0)).isEqualTo(3);
        assertThat(f.seq(1)).isEqualTo(4);
        assertThat(f.start(1)).isEqualTo(3);
        assertThat(f.end(100)).isEqualTo(202);
        assertThatThrownBy(() -> f.seq(101)).isInstanceOf(IndexOutOfBoundsException.class);
        b.reset();
        assertThat(b.view().count()).isZero();
        assertThat(f.count()).as("an earlier view keeps its count").isEqualTo(101);
    }

    @Test
    void linesOfAHandMadePayloadAreItsFrames() {
        byte[] b = "x\nyy\nz".getBytes(StandardCharsets.UTF_8);
        Frames f = new EncodedBatch(7, 9, 3, b, b.length).frames();
        assertThat(f.count()).isEqualTo(3);
        assertThat(f.seq(2)).isEqualTo(9);
        assertThat(f.start(1)).isEqualTo(2);
        assertThat(f.end(1)).isEqualTo(5);
        assertThat(f.end(2)).isEqualTo(6);
        assertThat(Frames.ofLines(1, b, 0).count()).isZero();
    }
}
