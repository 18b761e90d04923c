package dev.gapless.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DegradedReasonTest {

    @Test
    void wireNamesAreTheDocumentedOnesAndReadBack() {
        assertThat(DegradedReason.values()).extracting(DegradedReason::wireName).containsExactly("force_failed",
                "journal_full", "min_free", "cursor_commit_failing", "ingest_blocked");
        for (DegradedReason r : DegradedReason.values()) {
            assertThat(DegradedReason.ofWireName(r.wireName())).contains(r);
        }
    }

    @Test
    void aNameThisReaderDoesNotKnowIsEmpty() {
        assertThat(DegradedReason.ofWireName("from_a_newer_agent")).isEmpty();
        assertThat(DegradedReason.ofWireName(null)).isEmpty();
        assertThat(DegradedReason.ofWireName("MIN_FREE")).as("wire names are lower case").isEmpty();
    }
}
