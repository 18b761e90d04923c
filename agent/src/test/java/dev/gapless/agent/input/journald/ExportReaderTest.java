package dev.gapless.agent.input.journald;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The export-format reader over bytes, malformed ones included: each spoils only its own entry. */
class ExportReaderTest {

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] binary(String name, byte[] value, long length, boolean newline) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text(name + "\n"));
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array());
        out.writeBytes(value);
        if (newline) {
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** What the reader answers, one string per entry: its MESSAGE, or "!" and the error. */
    private static List<String> readAll(ExportReader r) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ExportReader.Result res = r.next();
            if (res == ExportReader.Result.END) {
                return out;
            }
            if (res == ExportReader.Result.MALFORMED) {
                out.add("!" + r.error());
                continue;
            }
            String m = "";
            for (ExportReader.Field f : r.fields()) {
                if (f.name().equals("MESSAGE")) {
                    m = new String(f.value(), StandardCharsets.ISO_8859_1);
                }
            }
            out.add(m);
        }
        throw new AssertionError("more than 100 entries");
    }

    private static ExportReader reader(byte[] bytes) {
        return new ExportReader(new ByteArrayInputStream(bytes), 4096);
    }

    @Test
    void readsTextAndBinaryFieldsInOrder() throws IOException {
        byte[] value = {'a', '\n', (byte) 0xFF, 0, 'b'};
        ExportReader r = reader(concat(text("__CURSOR=s=1\nMESSAGE=one\nPRIORITY=6\n\n"),
                text("__CURSOR=s=2\n"), binary("MESSAGE", value, value.length, true), text("_PID=1\n\n\n")));
        assertThat(r.next()).isEqualTo(ExportReader.Result.ENTRY);
        assertThat(r.fields()).extracting(ExportReader.Field::name).containsExactly("__CURSOR", "MESSAGE", "PRIORITY");
        assertThat(r.next()).isEqualTo(ExportReader.Result.ENTRY);
        assertThat(r.fields().get(1).value()).containsExactly(value);
        assertThat(r.fields().get(2).name()).isEqualTo("_PID");
        assertThat(r.next()).isEqualTo(ExportReader.Result.END);
        assertThat(r.partialAtEnd()).isFalse();
    }

    @Test
    void aBinaryLengthBeyondTheBoundSpoilsOnlyItsEntry() throws IOException {
        ExportReader r = reader(concat(text("MESSAGE=before\n\n"),
                binary("MESSAGE", text("xyz"), -5L, true), text("MORE=1\n\n"), text("MESSAGE=after\n\n")));
        List<String> got = readAll(r);
        assertThat(got).hasSize(3);
        assertThat(got.get(0)).isEqualTo("before");
        assertThat(got.get(1)).startsWith("!binary field MESSAGE has a length of 18446744073709551611 bytes");
        assertThat(got.get(2)).isEqualTo("after");
    }

    @Test
    void aBinaryValueWithoutItsNewlineSpoilsOnlyItsEntry() throws IOException {
        ExportReader r = reader(concat(text("MESSAGE=before\n\n"), binary("MESSAGE", text("abc"), 2, true),
                text("\n"), text("MESSAGE=after\n\n")));
        // length 2 where 3 bytes follow: the byte after the value is 'c', not the newline
        assertThat(readAll(r)).containsExactly("before",
                "!binary field MESSAGE of 2 bytes is not followed by a newline", "after");
    }

    @Test
    void aBadFieldNameSpoilsOnlyItsEntry() throws IOException {
        ExportReader r = reader(text("MESSAGE=before\n\nlower=x\nMESSAGE=lost\n\n1ST=x\n\nMESSAGE=after\n\n"));
        assertThat(readAll(r)).containsExactly("before", "!'lower' is not a journal field name",
                "!'1ST' is not a journal field name", "after");
    }

    @Test
    void anEntryCutOffByTheEndIsNotAnsweredAndSaysSo() throws IOException {
        ExportReader r = reader(text("MESSAGE=whole\n\n__CURSOR=s=2\nMESSAGE=half"));
        assertThat(readAll(r)).containsExactly("whole");
        assertThat(r.partialAtEnd()).isTrue();

        ExportReader inBinary = reader(concat(text("MESSAGE=whole\n\n"), binary("MESSAGE", text("ab"), 10, false)));
        assertThat(readAll(inBinary)).containsExactly("whole");
        assertThat(inBinary.partialAtEnd()).isTrue();

        ExportReader beforeEmptyLine = reader(text("MESSAGE=whole\n\nMESSAGE=no end\n"));
        assertThat(readAll(beforeEmptyLine)).containsExactly("whole");
        assertThat(beforeEmptyLine.partialAtEnd()).isTrue();
    }

    @Test
    void nonUtf8BytesAreKeptAsTheyAre() throws IOException {
        byte[] bad = {'o', 'k', (byte) 0xC3, (byte) 0x28, (byte) 0xFF};
        ExportReader r = reader(concat(text("MESSAGE="), bad, text("\n\n")));
        assertThat(r.next()).isEqualTo(ExportReader.Result.ENTRY);
        assertThat(r.fields().get(0).value()).containsExactly(bad);
        assertThat(r.fields().get(0).cut()).isFalse();
    }

    @Test
    void aHugeValueIsCutToTheBudgetAndReadPast() throws IOException {
        String big = "x".repeat(100_000);
        byte[] bigBinary = text("y".repeat(50_000));
        ExportReader r = reader(concat(text("MESSAGE=" + big + "\nBIG=" + big + "\n"),
                binary("BIN", bigBinary, bigBinary.length, true), text("SMALL=1\n\nMESSAGE=after\n\n")));
        assertThat(r.next()).isEqualTo(ExportReader.Result.ENTRY);
        List<ExportReader.Field> f = r.fields();
        assertThat(f.get(0).value()).hasSize(4096);
        assertThat(f.get(0).cut()).isTrue();
        assertThat(f.get(1).value()).hasSize(4096 - 3); // the others' budget, less the name
        assertThat(f.get(2).value()).isEmpty();
        assertThat(f.get(2).cut()).isTrue();
        assertThat(f.get(3).name()).isEqualTo("SMALL");
        assertThat(f.get(3).cut()).as("nothing of the budget left").isTrue();
        assertThat(r.next()).isEqualTo(ExportReader.Result.ENTRY);
        assertThat(r.fields().get(0).value()).containsExactly(text("after"));
    }
}
