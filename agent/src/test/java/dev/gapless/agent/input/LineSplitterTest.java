package dev.gapless.agent.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.journal.MessageBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The file input's use of the splitter: positions and offsets; LineFramerTest covers the framing rules. */
class LineSplitterTest {

    private final MessageBatch out = new MessageBatch(64);

    @Test
    void givesEveryLineTheOffsetJustPastItsNewlineAndCarriesThePartialOne() {
        LineSplitter s = LineSplitter.positioned(16);
        s.restart(100, false);
        feed(s, "a\r\n\nbc\npar");
        assertThat(lines()).containsExactly("a", "bc");
        assertThat(positions()).containsExactly(103L, 107L);
        assertThat(s.dealtWith()).as("the empty line is dealt with, the partial one is not").isEqualTo(107);
        assertThat(s.position()).isEqualTo(110);
        assertThat(s.carried()).isEqualTo(3);

        out.clear();
        feed(s, "tial\n");
        assertThat(lines()).containsExactly("partial");
        assertThat(positions()).containsExactly(115L);
        assertThat(s.dealtWith()).isEqualTo(115);
    }

    @Test
    void aLineCutWithoutItsNewlineIsDealtWithUpToTheChunkEndAndItsRestDiscarded() {
        LineSplitter s = LineSplitter.positioned(4);
        feed(s, "0123456");
        assertThat(lines()).containsExactly("0123");
        assertThat(out.tags(0)).isEqualTo(Tags.TRUNCATED);
        assertThat(positions()).containsExactly(7L);
        assertThat(s.discarding()).isTrue();
        assertThat(s.dealtWith()).isEqualTo(7);

        out.clear();
        feed(s, "89\nok\n");
        assertThat(lines()).containsExactly("ok");
        assertThat(s.discarding()).isFalse();
        assertThat(s.dealtWith()).isEqualTo(13);
    }

    @Test
    void aRestartInTheRestOfACutLineSkipsItUpToItsNewline() {
        LineSplitter s = LineSplitter.positioned(4);
        s.restart(7, true);
        feed(s, "89\nok\n");
        assertThat(lines()).containsExactly("ok");
        assertThat(positions()).containsExactly(13L);
    }

    @Test
    void finishMakesTheCarriedPartOfALineALastLineWithoutItsCr() {
        LineSplitter s = LineSplitter.positioned(16);
        feed(s, "x\nunfinished\r");
        out.clear();
        s.finish(out);
        assertThat(lines()).containsExactly("unfinished");
        assertThat(positions()).containsExactly(13L);
        assertThat(s.dealtWith()).isEqualTo(13);
    }

    @Test
    void aSplitterWithoutPositionsLeavesThemUnset() {
        LineSplitter s = LineSplitter.lines(16);
        feed(s, "a\nb\n");
        assertThat(positions()).containsExactly(-1L, -1L);
    }

    private void feed(LineSplitter s, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        s.split(LineSplitter.chunk(b), 0, b.length, out);
    }

    private List<String> lines() {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            l.add(new String(out.array(), out.offset(i), out.length(i), StandardCharsets.UTF_8));
        }
        return l;
    }

    private List<Long> positions() {
        List<Long> l = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            l.add(out.position(i));
        }
        return l;
    }
}
