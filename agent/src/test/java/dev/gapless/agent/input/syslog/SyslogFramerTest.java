package dev.gapless.agent.input.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.journal.MessageBatch;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6587 framing per frame, across reads, at its bounds and on a malformed count. */
class SyslogFramerTest {

    /** A frame as handed on: its text and tags. */
    record Frame(String text, int tags) {
        static Frame of(String text) {
            return new Frame(text, 0);
        }
    }

    /** Takes the frames of each read (before the batch is reused) and, like the ingest handler, closes on error. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        final List<Frame> frames = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            MessageBatch b = (MessageBatch) msg;
            for (int i = 0; i < b.size(); i++) {
                frames.add(new Frame(new String(b.array(), b.offset(i), b.length(i), StandardCharsets.UTF_8),
                        b.tags(i)));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
            ctx.close();
        }
    }

    private final Collector out = new Collector();

    private EmbeddedChannel channel(int maxLineBytes) {
        return new EmbeddedChannel(new SyslogFramer(maxLineBytes), out);
    }

    private static void write(EmbeddedChannel ch, String... reads) {
        for (String r : reads) {
            ch.writeInbound(Unpooled.copiedBuffer(r, StandardCharsets.UTF_8));
        }
    }

    @Test
    void octetCountedFramesAcrossReadsAndACountSplitAcrossReads() {
        EmbeddedChannel ch = channel(1024);
        write(ch, "13 <13>1 - - -", " x", "1", "1 <13>second", " 9", " <13>third", "X");
        assertThat(out.frames).containsExactly(Frame.of("<13>1 - - - x"), Frame.of("<13>second "),
                Frame.of("<13>third"));
        write(ch, "Y\n");
        assertThat(out.frames).as("a frame that starts with neither digits nor a count is a line")
                .endsWith(Frame.of("XY"));
        assertThat(ch.isActive()).isTrue();
        assertThat(out.errors).isEmpty();
    }

    @Test
    void framingIsDecidedPerFrameAndALineStartingWithADateIsNotACount() {
        EmbeddedChannel ch = channel(1024);
        write(ch, "5 <13>a<13>Dec  2 02:07:07 host app: line\n2026-12-02T02:07:07Z host app: iso\r\n"
                + "5 <13>b123 not a count\n12345678901234567890 digits then a space\n7 <13>end");
        assertThat(out.frames).containsExactly(Frame.of("<13>a"), Frame.of("<13>Dec  2 02:07:07 host app: line"),
                Frame.of("2026-12-02T02:07:07Z host app: iso"), Frame.of("<13>b"), Frame.of("123 not a count"),
                Frame.of("12345678901234567890 digits then a space"), Frame.of("<13>end"));
        String digits = "1".repeat(SyslogFramer.MAX_HEADER + 5);
        write(ch, digits + " <13>x\n");
        assertThat(out.frames).as("a digit run longer than any count is the start of a line")
                .endsWith(Frame.of(digits + " <13>x"));
        assertThat(out.errors).isEmpty();
    }

    @Test
    void overLongCountedFrameIsReadInFullCutAndTaggedAndTheConnectionKept() {
        EmbeddedChannel ch = channel(16);
        String big = "<13>" + "x".repeat(36); // 40 bytes
        write(ch, "40 " + big.substring(0, 10), big.substring(10, 30), big.substring(30) + "6 <13>ok",
                "41 <13>" + "é".repeat(18) + "1", "5 <13>z");
        assertThat(out.frames).containsExactly(new Frame(big.substring(0, 16), Tags.TRUNCATED), Frame.of("<13>ok"),
                new Frame("<13>" + "é".repeat(6), Tags.TRUNCATED), Frame.of("<13>z"));
        assertThat(ch.isActive()).isTrue();

        write(ch, "<13>" + "y".repeat(30) + "\n3 <1");
        assertThat(out.frames).as("an over-long line likewise").endsWith(new Frame("<13>" + "y".repeat(12),
                Tags.TRUNCATED));
        write(ch, ">");
        assertThat(out.frames).endsWith(Frame.of("<1>"));
        assertThat(out.errors).isEmpty();
    }

    @Test
    void malformedCountClosesTheConnectionAndTheFramesBeforeItSurvive() {
        for (String bad : new String[] {"12<13>no space", "12345678901 <13>eleven digits",
            "9999999999 <13>past int"}) {
            Collector c = new Collector();
            EmbeddedChannel ch = new EmbeddedChannel(new SyslogFramer(1024), c);
            ch.writeInbound(Unpooled.copiedBuffer("5 <13>a<13>line\n" + bad + "\n5 <13>b",
                    StandardCharsets.UTF_8));
            assertThat(c.frames).as(bad).containsExactly(Frame.of("<13>a"), Frame.of("<13>line"));
            assertThat(c.errors).as(bad).singleElement().isInstanceOf(CorruptedFrameException.class)
                    .satisfies(e -> assertThat(e.getMessage()).startsWith("malformed octet count")
                            .endsWith("closing the connection"));
            assertThat(ch.isActive()).as(bad).isFalse();
        }
    }

    @Test
    void malformedCountSplitAcrossReads() {
        EmbeddedChannel ch = channel(1024);
        write(ch, "5 <13>a12", "3<13>x");
        assertThat(out.frames).containsExactly(Frame.of("<13>a"));
        assertThat(out.errors).hasSize(1);
        assertThat(ch.isActive()).isFalse();
    }

    @Test
    void whatTheConnectionsEndCutsShortGoesOn() {
        EmbeddedChannel ch = channel(1024);
        write(ch, "20 <13>partial");
        ch.close();
        assertThat(out.frames).containsExactly(new Frame("<13>partial", Tags.TRUNCATED));

        Collector c = new Collector();
        EmbeddedChannel line = new EmbeddedChannel(new SyslogFramer(1024), c);
        line.writeInbound(Unpooled.copiedBuffer("<13>no newline", StandardCharsets.UTF_8));
        line.close();
        Collector d = new Collector();
        EmbeddedChannel digits = new EmbeddedChannel(new SyslogFramer(1024), d);
        digits.writeInbound(Unpooled.copiedBuffer("42", StandardCharsets.UTF_8));
        digits.close();
        assertThat(c.frames).containsExactly(Frame.of("<13>no newline"));
        assertThat(d.frames).containsExactly(Frame.of("42"));
    }

    @Test
    void isNotSharable() {
        assertThat(new SyslogFramer(64).isSharable()).isFalse();
        assertThat(new SyslogDecoder(null).isSharable()).isFalse();
    }
}
