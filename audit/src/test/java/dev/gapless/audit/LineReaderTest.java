package dev.gapless.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private record Line(String text, long number, boolean last, boolean maybeNonAscii) {
    }

    private static List<Line> read(InputStream in) throws IOException {
        return read(new LineReader(), in);
    }

    private static List<Line> read(LineReader reader, InputStream in) throws IOException {
        List<Line> lines = new ArrayList<>();
        reader.read(in, new LineReader.Sink() {
            @Override
            public void line(byte[] buf, int off, int len, long n, boolean last, boolean maybeNonAscii) {
                lines.add(new Line(new String(buf, off, len, StandardCharsets.UTF_8), n, last, maybeNonAscii));
            }

            @Override
            public void tooLong(long n, long length) {
                lines.add(new Line("<too long " + length + ">", n, false, false));
            }
        });
        return lines;
    }

    /** Returns at most a few bytes a read, so lines cross every kind of boundary. */
    private static InputStream trickle(byte[] bytes, int max) {
        Random random = new Random(7);
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1 + random.nextInt(max)));
            }
        };
    }

    @Test
    void splitsOnNewlinesWhateverTheReadSizesAndDropsCarriageReturns() throws IOException {
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        Random random = new Random(1);
        for (int i = 0; i < 2000; i++) {
            StringBuilder line = new StringBuilder();
            int len = random.nextInt(40);
            for (int k = 0; k < len; k++) {
                line.append(random.nextInt(20) == 0 ? 'é' : (char) ('a' + random.nextInt(26)));
            }
            expected.add(line.toString());
            text.append(line).append(random.nextBoolean() ? "\r\n" : "\n");
        }
        List<Line> lines = read(trickle(text.toString().getBytes(StandardCharsets.UTF_8), 23));

        assertThat(lines).extracting(Line::text).containsExactlyElementsOf(expected);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i).number()).isEqualTo(i + 1);
            if (expected.get(i).contains("é")) {
                assertThat(lines.get(i).maybeNonAscii()).as("line %d", i + 1).isTrue();
            }
        }
    }

    @Test
    void marksTheLastLineWithoutNewline() throws IOException {
        List<Line> lines = read(new ByteArrayInputStream("one\ntwo".getBytes(StandardCharsets.UTF_8)));

        assertThat(lines).containsExactly(new Line("one", 1, false, false), new Line("two", 2, true, true));
    }

    @Test
    void asciiLinesAreMarkedAsSuch() throws IOException {
        List<Line> lines = read(new ByteArrayInputStream(
                "{\"a\":\"a fairly long ascii line\"}\n{\"b\":2}\n".getBytes(StandardCharsets.UTF_8)));

        assertThat(lines).extracting(Line::maybeNonAscii).containsExactly(false, false);
    }

    @Test
    void overlongLineIsReportedBySizeAndSkippedWithoutHoldingIt() throws IOException {
        String text = "short\n" + "x".repeat(100) + "\nafter\n" + "y".repeat(70);
        List<Line> lines = read(new LineReader(16), trickle(text.getBytes(StandardCharsets.UTF_8), 9));

        assertThat(lines).extracting(Line::text)
                .containsExactly("short", "<too long 100>", "after", "<too long 70>");
        assertThat(lines).extracting(Line::number).containsExactly(1L, 2L, 3L, 4L);
    }
}
