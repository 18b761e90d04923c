package dev.gapless.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.RecordKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the bytes of every format the journal persists. If one of these fails, the on-disk format changed: bump
 * its version and keep reading the old one, never edit the golden file to match.
 */
class GoldenFormatTest {

    private static final long SEQ = 0x0102030405060708L;
    private static final long BOOT_MSB = 0x1122334455667788L;
    private static final long BOOT_LSB = 0x99AABBCCDDEEFF00L;
    private static final long RECEIVED = 1_763_892_000_123_456_789L;
    private static final long EVENT_TIME = 1_763_891_999_000_000_000L;
    private static final long POSITION = 4096;
    private static final int TAGS = 0x0003;

    @TempDir
    Path dir;

    @Test
    void recordV1EncodesToTheGoldenBytes() throws IOException {
        ByteBuffer encoded = goldenRecord(new RecordCodec(1024));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        assertThat(hex(bytes)).isEqualTo(hex(golden("record-v1.hex")));
    }

    @Test
    void recordV1WrittenStraightIntoChronicleBytesIsTheGoldenBytes() throws IOException {
        // The journal's write path: the message sits inside a larger array, the codec's scratch is not used.
        byte[] around = "xxhello, journalyy".getBytes(StandardCharsets.UTF_8);
        net.openhft.chronicle.bytes.Bytes<?> out = net.openhft.chronicle.bytes.Bytes.allocateElasticOnHeap(64);
        try {
            out.writeSkip(3); // not at offset 0 either
            int length = new RecordCodec(1024).encodeTo(out, RecordKind.EVENT, SEQ, BOOT_MSB, BOOT_LSB, RECEIVED,
                    EVENT_TIME, POSITION, TAGS, "app".getBytes(StandardCharsets.UTF_8), around, 2, 14,
                    "{\"k\":\"v\"}".getBytes(StandardCharsets.UTF_8));
            byte[] bytes = new byte[(int) out.readRemaining() - 3];
            out.readSkip(3);
            out.read(bytes);
            assertThat(length).isEqualTo(bytes.length);
            assertThat(hex(bytes)).isEqualTo(hex(golden("record-v1.hex")));
        } finally {
            out.releaseLast();
        }
    }

    @Test
    void goldenRecordV1DecodesToItsFields() throws Exception {
        JournalRecord r = new RecordCodec(1024).decode(ByteBuffer.wrap(golden("record-v1.hex")));
        assertThat(r.kind()).isEqualTo(RecordKind.EVENT);
        assertThat(r.seq()).isEqualTo(SEQ);
        assertThat(r.bootIdMsb()).isEqualTo(BOOT_MSB);
        assertThat(r.bootIdLsb()).isEqualTo(BOOT_LSB);
        assertThat(r.receivedAtNanos()).isEqualTo(RECEIVED);
        assertThat(r.eventTimeNanos()).isEqualTo(EVENT_TIME);
        assertThat(r.sourcePosition()).isEqualTo(POSITION);
        assertThat(r.tags()).isEqualTo(TAGS);
        assertThat(r.source()).isEqualTo("app");
        assertThat(new String(r.message(), StandardCharsets.UTF_8)).isEqualTo("hello, journal");
        assertThat(new String(r.extra(), StandardCharsets.UTF_8)).isEqualTo("{\"k\":\"v\"}");
        assertThat(r.encodedLength()).isEqualTo(golden("record-v1.hex").length);
    }

    @Test
    void goldenRecordWithOneFlippedBitIsCorrupt() throws IOException {
        byte[] bytes = golden("record-v1.hex");
        bytes[70] ^= 0x10; // inside the message
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RecordCodec(1024).decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(CorruptRecordException.class).hasMessageContaining("CRC32C");
    }

    private static final List<String> FREE_TAGS = List.of("_grokparsefailure", "caf\u00e9");

    @Test
    void recordV2EncodesToTheGoldenBytes() throws IOException {
        ByteBuffer encoded = new RecordCodec(1024).encode(RecordKind.EVENT, SEQ, BOOT_MSB, BOOT_LSB, RECEIVED,
                EVENT_TIME, POSITION, TAGS, "app".getBytes(StandardCharsets.UTF_8),
                "hello, journal".getBytes(StandardCharsets.UTF_8), "{\"k\":\"v\"}".getBytes(StandardCharsets.UTF_8),
                RecordCodec.tagsPart(FREE_TAGS));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        assertThat(hex(bytes)).isEqualTo(hex(golden("record-v2.hex")));
    }

    @Test
    void recordV2WrittenStraightIntoChronicleBytesIsTheGoldenBytes() throws IOException {
        byte[] around = "xxhello, journalyy".getBytes(StandardCharsets.UTF_8);
        byte[] extra = "z{\"k\":\"v\"}".getBytes(StandardCharsets.UTF_8);
        net.openhft.chronicle.bytes.Bytes<?> out = net.openhft.chronicle.bytes.Bytes.allocateElasticOnHeap(64);
        try {
            out.writeSkip(3);
            int length = new RecordCodec(1024).encodeTaggedTo(out, RecordKind.EVENT, SEQ, BOOT_MSB, BOOT_LSB,
                    RECEIVED, EVENT_TIME, POSITION, TAGS, "app".getBytes(StandardCharsets.UTF_8), around, 2, 14,
                    extra, 1, extra.length - 1, RecordCodec.tagsPart(FREE_TAGS));
            byte[] bytes = new byte[(int) out.readRemaining() - 3];
            out.readSkip(3);
            out.read(bytes);
            assertThat(length).isEqualTo(bytes.length);
            assertThat(hex(bytes)).isEqualTo(hex(golden("record-v2.hex")));
        } finally {
            out.releaseLast();
        }
    }

    @Test
    void goldenRecordV2DecodesToItsFieldsFromABufferAndFromChronicleBytes() throws Exception {
        byte[] golden = golden("record-v2.hex");
        JournalRecord fromBuffer = new RecordCodec(1024).decode(ByteBuffer.wrap(golden));
        net.openhft.chronicle.bytes.Bytes<?> in = net.openhft.chronicle.bytes.Bytes.allocateElasticOnHeap(256);
        JournalRecord fromBytes;
        try {
            in.write(golden);
            fromBytes = new RecordCodec(1024).decode(in, golden.length, null);
        } finally {
            in.releaseLast();
        }
        for (JournalRecord r : List.of(fromBuffer, fromBytes)) {
            assertThat(r.kind()).isEqualTo(RecordKind.EVENT);
            assertThat(r.seq()).isEqualTo(SEQ);
            assertThat(r.bootIdMsb()).isEqualTo(BOOT_MSB);
            assertThat(r.bootIdLsb()).isEqualTo(BOOT_LSB);
            assertThat(r.receivedAtNanos()).isEqualTo(RECEIVED);
            assertThat(r.eventTimeNanos()).isEqualTo(EVENT_TIME);
            assertThat(r.sourcePosition()).isEqualTo(POSITION);
            assertThat(r.tags()).isEqualTo(TAGS);
            assertThat(r.source()).isEqualTo("app");
            assertThat(new String(r.message(), StandardCharsets.UTF_8)).isEqualTo("hello, journal");
            assertThat(new String(r.extra(), StandardCharsets.UTF_8)).isEqualTo("{\"k\":\"v\"}");
            assertThat(r.freeTags()).containsExactlyElementsOf(FREE_TAGS);
            assertThat(r.encodedLength()).isEqualTo(golden.length);
        }
    }

    @Test
    void goldenRecordV1DecodesWithNoFreeTags() throws Exception {
        JournalRecord r = new RecordCodec(1024).decode(ByteBuffer.wrap(golden("record-v1.hex")));
        assertThat(r.freeTags()).isEmpty();
    }

    @Test
    void theCrcCoversTheTagsPart() throws IOException {
        byte[] bytes = golden("record-v2.hex");
        bytes[100] ^= 0x01; // inside the name "_grokparsefailure"
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RecordCodec(1024).decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(CorruptRecordException.class).hasMessageContaining("CRC32C");
    }

    @Test
    void anUnknownVersionIsCorrupt() throws IOException {
        byte[] bytes = golden("record-v2.hex");
        bytes[0] = 3;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RecordCodec(1024).decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(CorruptRecordException.class).hasMessageContaining("version 3");
    }

    @Test
    void theTagsPartKeepsTheFirst32NamesEachCutTo128Chars() throws Exception {
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(i == 0 ? "x".repeat(200) : "t" + i);
        }
        ByteBuffer encoded = new RecordCodec(4096).encode(RecordKind.EVENT, 1, 0, 0, 0, 0, -1, 0, new byte[0],
                new byte[0], new byte[0], RecordCodec.tagsPart(many));
        List<String> back = new RecordCodec(4096).decode(encoded).freeTags();
        assertThat(back).hasSize(RecordCodec.MAX_FREE_TAGS);
        assertThat(back.get(0)).isEqualTo("x".repeat(RecordCodec.MAX_FREE_TAG_CHARS));
        assertThat(back.get(31)).isEqualTo("t31");
    }

    @Test
    void cursorV1EncodesToTheGoldenBytes() throws IOException {
        Path file = dir.resolve("out.cursor");
        new CursorStore(file, false).commit(SEQ);
        assertThat(hex(Files.readAllBytes(file))).isEqualTo(hex(golden("cursor-v1.hex")));
    }

    @Test
    void goldenCursorV1Decodes() throws IOException {
        assertThat(CursorStore.decode(golden("cursor-v1.hex"), "golden")).isEqualTo(SEQ);
    }

    static ByteBuffer goldenRecord(RecordCodec codec) {
        return codec.encode(RecordKind.EVENT, SEQ, BOOT_MSB, BOOT_LSB, RECEIVED, EVENT_TIME, POSITION, TAGS,
                "app".getBytes(StandardCharsets.UTF_8), "hello, journal".getBytes(StandardCharsets.UTF_8),
                "{\"k\":\"v\"}".getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a golden file: hex digits, whitespace and {@code #} comments to the end of a line ignored. */
    static byte[] golden(String name) throws IOException {
        try (InputStream in = GoldenFormatTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IOException("missing golden file " + name);
            }
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                int hash = line.indexOf('#');
                hex.append((hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s", ""));
            }
            return HexFormat.of().parseHex(hex);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
