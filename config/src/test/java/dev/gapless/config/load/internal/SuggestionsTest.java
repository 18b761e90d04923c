package dev.gapless.config.load.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    private static final List<String> KEYS = List.of("id", "type", "listen", "max_line_bytes", "max_connections");

    @Test
    void suggestsAKeyWithOneTransposition() {
        assertThat(Suggestions.closest("lsiten", KEYS)).contains("listen");
    }

    @Test
    void suggestsAKeyWithTwoEdits() {
        assertThat(Suggestions.closest("max_conections_", KEYS)).contains("max_connections");
    }

    @Test
    void suggestsTheSnakeCaseFormOfACamelCaseKey() {
        assertThat(Suggestions.closest("maxLineBytes", KEYS)).contains("max_line_bytes");
    }

    @Test
    void suggestsNothingForAFarOffWord() {
        assertThat(Suggestions.closest("compression", KEYS)).isEmpty();
    }

    @Test
    void allowsOnlyOneEditInAShortWord() {
        assertThat(Suggestions.closest("ix", KEYS)).contains("id");
        assertThat(Suggestions.closest("xy", KEYS)).isEmpty();
    }

    @Test
    void countsATranspositionAsOneEdit() {
        assertThat(Suggestions.distance("ab", "ba")).isEqualTo(1);
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    }
}
