package dev.gapless.agent.input.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.journal.MessageBatch;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LineFramerTest {

    private static final int MAX = 16;
    private final List<Line> framed = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new LineFramer(MAX), new Capture(framed));

    /** Takes each batch's lines at once, as the ingest handler must (the framer reuses its batch). */
    private static final class Capture extends ChannelInboundHandlerAdapter {
        private final List<Line> into;

        Capture(List<Line> into) {
            this.into = into;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            MessageBatch b = (MessageBatch) msg;
            for (int i = 0; i < b.size(); i++) {
                into.add(new Line(java.util.Arrays.copyOfRange(b.array(), b.offset(i), b.offset(i) + b.length(i)),
                        (b.tags(i) & Tags.TRUNCATED) != 0));
            }
        }
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void write(String s) {
        channel.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
    }

    private void write(byte[] b) {
        channel.writeInbound(Unpooled.wrappedBuffer(b));
    }

    private List<Line> lines() {
        List<Line> out = new ArrayList<>(framed);
        framed.clear();
        return out;
    }

    private static String text(Line l) {
        return new String(l.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void truncatesOversizedLineDiscardsItsRestAndKeepsConnection() {
        write("0123456789abcdefXYZ-rest-of-line\nnext\n");
        List<Line> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(text(lines.get(0))).isEqualTo("0123456789abcdef");
        assertThat(lines.get(0).truncated()).isTrue();
        assertThat(text(lines.get(1))).isEqualTo("next");
        assertThat(lines.get(1).truncated()).isFalse();
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void oversizedLineAcrossReadsIsCutOnceAndTheNextLineArrives() {
        write("0123456789");
        write("abcdefghij"); // past the max: cut now, without waiting for the newline
        List<Line> first = lines();
        assertThat(first).extracting(LineFramerTest::text).containsExactly("0123456789abcdef");
        assertThat(first.get(0).truncated()).isTrue();
        write("more of the same line");
        write(" and its end\ngood\n");
        List<Line> rest = lines();
        assertThat(rest).extracting(LineFramerTest::text).containsExactly("good");
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void lineSplitAcrossManyReads() {
        for (char c : "hello world\n".toCharArray()) {
            write(String.valueOf(c));
        }
        assertThat(lines()).extracting(LineFramerTest::text).containsExactly("hello world");
    }

    @Test
    void crlfAndEmptyLines() {
        write("a\r\n\r\n\nb\n\rc\r\n");
        assertThat(lines()).extracting(LineFramerTest::text).containsExactly("a", "b", "\rc");
    }

    @Test
    void lineOfExactlyMaxIsNotTruncated() {
        write("0123456789abcdef\r\n0123456789abcdef\n");
        List<Line> lines = lines();
        assertThat(lines).extracting(LineFramerTest::text).containsExactly("0123456789abcdef", "0123456789abcdef");
        assertThat(lines).noneMatch(Line::truncated);
    }

    @Test
    void lastLineWithoutNewlineAtClose() {
        write("one\ntwo");
        assertThat(lines()).extracting(LineFramerTest::text).containsExactly("one");
        channel.finish();
        assertThat(lines()).extracting(LineFramerTest::text).containsExactly("two");
    }

    @Test
    void lastLineWithCarriageReturnAtClose() {
        write("two\r");
        channel.finish();
        assertThat(lines()).extracting(LineFramerTest::text).containsExactly("two");
    }

    @Test
    void giantLineWithoutNewlineKeepsMemoryBounded() {
        byte[] chunk = new byte[4096];
        java.util.Arrays.fill(chunk, (byte) 'x');
        List<Integer> buffered = new ArrayList<>();
        channel.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.fireChannelRead(msg);
                buffered.add(cumulationSize());
            }
        });
        for (int i = 0; i < 1000; i++) { // 4 MB of one line
            write(chunk);
        }
        List<Line> lines = lines();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).bytes()).hasSize(MAX);
        assertThat(lines.get(0).truncated()).isTrue();
        assertThat(buffered).allMatch(n -> n <= MAX + 1);
        channel.finish();
        assertThat(lines()).isEmpty(); // the discarded rest is not a last line
    }

    @Test
    void truncationNeverSplitsAUtf8Character() {
        // 15 ASCII bytes then a 3-byte character straddling the cut at 16
        write("012345678901234€tail\n");
        Line l = lines().get(0);
        assertThat(l.truncated()).isTrue();
        assertThat(text(l)).isEqualTo("012345678901234");
        assertThat(dev.gapless.contract.Utf8.isValid(l.bytes(), 0, l.bytes().length)).isTrue();
    }

    @Test
    void partialLineBeforeCloseOfAMaxLongLineIsTruncated() {
        write("0123456789abcdefg"); // 17 bytes, no newline: cut now
        channel.finish();
        List<Line> lines = lines();
        assertThat(lines).extracting(LineFramerTest::text).containsExactly("0123456789abcdef");
    }

    @Test
    void anySplitOfTheStreamIntoReadsFramesTheSameLines() {
        java.util.Random random = new java.util.Random(7);
        String[] pieces = {"a", "é", "€", "😀", "\r", "xyz"};
        for (int round = 0; round < 300; round++) {
            StringBuilder stream = new StringBuilder();
            int count = 1 + random.nextInt(12);
            for (int l = 0; l < count; l++) {
                int parts = random.nextInt(14); // up to ~56 bytes: past MAX now and then
                for (int p = 0; p < parts; p++) {
                    stream.append(pieces[random.nextInt(pieces.length)]);
                }
                stream.append(random.nextInt(5) == 0 ? "\r\n" : "\n");
            }
            if (random.nextBoolean()) {
                stream.append("tail"); // no newline: a last line at close
            }
            byte[] bytes = stream.toString().getBytes(StandardCharsets.UTF_8);
            List<String> expected = reference(bytes);
            for (int at = 0; at < bytes.length; ) {
                int n = 1 + random.nextInt(Math.min(40, bytes.length - at));
                write(java.util.Arrays.copyOfRange(bytes, at, at + n));
                at += n;
            }
            channel.pipeline().fireChannelInactive();
            assertThat(lines()).extracting(l -> (l.truncated() ? "!" : "") + text(l))
                    .as("stream %s", stream).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void theBatchGrowsWithABigReadAndShrinksOnceTheConnectionGoesQuiet() {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 30_000; i++) {
            big.append("line").append(i % 10).append('\n'); // 6 bytes a line, 5 framed: 150,000 bytes of lines
        }
        write(big.toString());
        assertThat(lines()).hasSize(30_000);
        LineFramer framer = channel.pipeline().get(LineFramer.class);
        assertThat(framer.batchCapacity()).isGreaterThanOrEqualTo(150_000);
        for (int i = 0; i < 15; i++) {
            write("small\n");
        }
        assertThat(framer.batchCapacity()).as("15 small reads: not yet").isGreaterThanOrEqualTo(150_000);
        write("small\n");
        assertThat(framer.batchCapacity()).as("16 small reads in a row").isEqualTo(64 * 1024);
        write("after\n");
        assertThat(lines()).extracting(LineFramerTest::text).hasSize(17).endsWith("small", "after");
    }

    /** The lines of a whole stream, framed the slow way: "!" marks a truncated one. */
    private static List<String> reference(byte[] b) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i < b.length && b[i] != '\n') {
                continue;
            }
            int end = i;
            if (end > start && b[end - 1] == '\r') {
                end--;
            }
            int n = end - start;
            if (n > MAX) {
                int cut = dev.gapless.contract.Utf8.safeCut(b, start, start + MAX, b[start + MAX]);
                out.add("!" + new String(b, start, cut - start, StandardCharsets.UTF_8));
            } else if (n > 0) {
                out.add(new String(b, start, n, StandardCharsets.UTF_8));
            }
            start = i + 1;
        }
        return out;
    }

    private int cumulationSize() {
        return channel.pipeline().get(LineFramer.class).carried();
    }
}
