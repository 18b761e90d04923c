package dev.gapless.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FieldPathTest {

    @Test
    void parsesDottedKeysAndQuotedKeysThatHoldDots() {
        assertThat(FieldPath.parse("source").segments()).containsExactly("source");
        assertThat(FieldPath.parse("fields.user.id").segments()).containsExactly("fields", "user", "id");
        assertThat(FieldPath.parse("fields.\"http.status\".code").segments())
                .containsExactly("fields", "http.status", "code");
        assertThat(FieldPath.parse("fields.\"a\\\"b\"").segments()).containsExactly("fields", "a\"b");
    }

    @Test
    void writesBackWhatItParsed() {
        for (String text : List.of("source", "fields.user.id", "fields.\"http.status\".code", "fields.\"a\\\"b\"")) {
            assertThat(FieldPath.parse(text)).hasToString(text);
        }
    }

    @Test
    void saysWhereAPathIsWrong() {
        assertThatThrownBy(() -> FieldPath.parse("")).hasMessage("an empty key at character 1");
        assertThatThrownBy(() -> FieldPath.parse("fields..x")).hasMessage("an empty key at character 8");
        assertThatThrownBy(() -> FieldPath.parse("fields.")).hasMessage("an empty key at character 8");
        assertThatThrownBy(() -> FieldPath.parse("fields.\"a.b")).hasMessage("the quote at character 8 is not closed");
        assertThatThrownBy(() -> FieldPath.parse("fields.\"a\"b")).hasMessage("expected '.' at character 11, got 'b'");
        assertThatThrownBy(() -> FieldPath.parse("a.".repeat(16) + "a")).hasMessage("more than 16 keys");
    }
}
