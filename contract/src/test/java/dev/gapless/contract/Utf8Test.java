package dev.gapless.contract;


import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {

    /** The JDK's strict decoder is the reference. */
    private static boolean jdkValid(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "41", "7f", "c280", "dfbf", "e0a080", "efbfbf", "f0908080", "f48fbfbf", "e282ac", "ed9fbf", "ee8080",
        // overlongs
        "c080", "c1bf", "e08080", "e09fbf", "f08080af", "f08fbfbf",
        // surrogates
        "eda080", "edbfbf", "eda0bdedb2a9",
        // past U+10FFFF and bytes that never occur
        "f4908080", "f5808080", "f8888080", "fe", "ff", "80", "bf",
        // truncated sequences
        "c2", "e0a0", "f09080", "41c2", "41e282", "e28241", "f0908041"})
    void agreesWithTheJdkOnEdgeCases(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        assertThat(Utf8.isValid(b, 0, b.length)).as(hex).isEqualTo(jdkValid(b));
    }

    @Test
    void agreesWithTheJdkOnRandomInput() {
        Random random = new Random(42);
        byte[] pool = {0x41, (byte) 0x80, (byte) 0xBF, (byte) 0xC2, (byte) 0xDF, (byte) 0xE0, (byte) 0xED,
            (byte) 0xEF, (byte) 0xF0, (byte) 0xF4, (byte) 0xF5, (byte) 0xA0, (byte) 0x9F, (byte) 0x8F, (byte) 0x90};
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[random.nextInt(8)];
            for (int k = 0; k < b.length; k++) {
                b[k] = random.nextBoolean() ? pool[random.nextInt(pool.length)] : (byte) random.nextInt(256);
            }
            assertThat(Utf8.isValid(b, 0, b.length)).as(HexFormat.of().formatHex(b)).isEqualTo(jdkValid(b));
        }
    }

    @Test
    void everyCodePointEncodedByTheJdkIsValid() {
        for (int cp = 0; cp <= 0x10FFFF; cp += (cp < 0x1000 ? 1 : 7)) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                continue;
            }
            byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            assertThat(Utf8.isValid(b, 0, b.length)).as("U+%X", cp).isTrue();
        }
    }

    @Test
    void checksOnlyTheGivenRange() {
        byte[] b = {(byte) 0xFF, 'o', 'k', (byte) 0xE2, (byte) 0x82, (byte) 0xAC, (byte) 0xFF};
        assertThat(Utf8.isValid(b, 1, 6)).isTrue();
        assertThat(Utf8.isValid(b, 1, 5)).isFalse(); // the € is cut by the range's end
    }

    @Test
    void safeCutNeverSplitsACharacter() {
        byte[] euro = "ab€".getBytes(StandardCharsets.UTF_8); // a b E2 82 AC
        assertThat(Utf8.safeCut(euro, 0, 4, euro[4])).isEqualTo(2);
        assertThat(Utf8.safeCut(euro, 0, 3, euro[3])).isEqualTo(2);
        assertThat(Utf8.safeCut(euro, 0, 2, euro[2])).isEqualTo(2);
        byte[] lone = {(byte) 0xE2, (byte) 0x82, (byte) 0xAC};
        assertThat(Utf8.safeCut(lone, 0, 2, lone[2])).as("never an empty line").isEqualTo(2);
        byte[] junk = {'a', (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80};
        assertThat(Utf8.safeCut(junk, 0, 4, junk[4])).isEqualTo(4);
    }
}
