package dev.gapless.config.filter.grok;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * Each {@link FastAtom} against its shipped regex: on generated text, at every position, it ends where the regex's
 * {@code lookingAt()} ends, or says there is no match where the regex finds none. The text mixes the characters
 * the patterns care about (digits, dots, letters, quotes, escapes, spaces, signs) with a few non-ASCII ones.
 */
class FastAtomTest {

    private static final String ALPHABET = "0123456789012345.....::--++@_ aAbBcCeEfFjJnNoOtTuUyYzZ"
            + "\"\"''``\\\\\t\n\r,/é€😀";
    private static final String[] WORDS = {"Jan", "January", "June", "Jul", "July", "Sep", "Sept", "September",
        "May", "Oct", "dec", "DEC", "255", "256", "2001", "10.0.0.7", "192.168.1.1", "1.2.3.04", "60", "59.123",
        "example.com", "a-b.c", "ann@example.org", "\"a\\\"b\"", "'x'", "`y`", "-0.5", "+7", "13:55:36"};

    @Test
    void everyAtomEndsWhereItsRegexEnds() throws Exception {
        GrokCompiler shipped = new GrokCompiler(GrokLibrary.definitions());
        Random random = new Random(20261203L);
        List<String> texts = texts(random, 3000);
        for (FastAtom atom : FastAtom.values()) {
            Matcher m = shipped.compile("%{" + atom.name() + "}").pattern().matcher("");
            int decided = 0;
            int asciiUndecided = 0;
            for (String text : texts) {
                m.reset(text).useTransparentBounds(true).useAnchoringBounds(false);
                for (int pos = 0; pos <= text.length(); pos++) {
                    int got = atom.match(text, pos);
                    if (got == FastAtom.UNDECIDED) {
                        if (text.chars().allMatch(c -> c < 0x80)) {
                            asciiUndecided++;
                        }
                        continue;
                    }
                    m.region(pos, text.length());
                    int want = m.lookingAt() ? m.end() : FastAtom.NO_MATCH;
                    assertThat(got).as("%s at %d of \"%s\"", atom, pos, text).isEqualTo(want);
                    decided++;
                }
            }
            boolean ipv6ToRegex = atom == FastAtom.IP || atom == FastAtom.IPORHOST; // near a colon: the regex's
            assertThat(decided).as("%s decided", atom).isGreaterThan(10_000);
            if (!ipv6ToRegex) {
                assertThat(asciiUndecided).as("%s undecided on ASCII text", atom).isZero();
            }
        }
    }

    @Test
    void anAtomIsNotUsedOnceItsNameMeansSomethingElse() throws Exception {
        java.util.Map<String, String> defs = new java.util.HashMap<>(GrokLibrary.definitions());
        defs.put("HOSTNAME", "[a-z]+"); // IPORHOST, HTTPDUSER and EMAILADDRESS refer to it
        GrokCompiler compiler = new GrokCompiler(defs);

        GrokPlan plan = compiler.compileWithPlan("%{IPORHOST:h} %{HOSTNAME:n} %{INT:i} x").plan();

        assertThat(plan.steps()).filteredOn(s -> s instanceof GrokPlan.Atom)
                .extracting(s -> ((GrokPlan.Atom) s).atom()).containsExactly(FastAtom.INT);
    }

    private static List<String> texts(Random random, int count) {
        List<String> out = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            StringBuilder b = new StringBuilder();
            int parts = 1 + random.nextInt(6);
            for (int p = 0; p < parts; p++) {
                int kind = random.nextInt(4);
                if (kind == 0) {
                    b.append(WORDS[random.nextInt(WORDS.length)]);
                } else if (kind == 1) { // a dotted quad, its numbers now and then out of range or zero-led
                    for (int o = 0; o < 3 + random.nextInt(3); o++) {
                        b.append(o > 0 ? "." : "").append(random.nextInt(8) == 0 ? "0" : "")
                                .append(random.nextInt(random.nextBoolean() ? 10 : 300));
                    }
                } else {
                    int len = random.nextInt(6);
                    for (int i = 0; i < len; i++) {
                        b.appendCodePoint(ALPHABET.codePointAt(ALPHABET.offsetByCodePoints(0,
                                random.nextInt(ALPHABET.codePointCount(0, ALPHABET.length())))));
                    }
                }
            }
            out.add(b.toString());
        }
        return out;
    }
}
