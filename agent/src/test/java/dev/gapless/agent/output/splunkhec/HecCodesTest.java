package dev.gapless.agent.output.splunkhec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Every HEC status code Splunk documents, with its HTTP status, mapped by the output rule: only the events' own
 * faults reject; the token's, channel's, index's, url's and the destination's are retried.
 */
class HecCodesTest {

    /** Splunk's table as this test expects it: code → HTTP status, and whether it rejects the events. */
    private static final Map<Integer, Object[]> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put(1, new Object[] {403, false}); // token disabled
        EXPECTED.put(2, new Object[] {401, false}); // token is required
        EXPECTED.put(3, new Object[] {401, false}); // invalid authorization
        EXPECTED.put(4, new Object[] {403, false}); // invalid token
        EXPECTED.put(5, new Object[] {400, true}); // no data
        EXPECTED.put(6, new Object[] {400, true}); // invalid data format
        EXPECTED.put(7, new Object[] {400, false}); // incorrect index: the configured index
        EXPECTED.put(8, new Object[] {500, false}); // internal server error
        EXPECTED.put(9, new Object[] {503, false}); // server is busy
        EXPECTED.put(10, new Object[] {400, false}); // data channel is missing
        EXPECTED.put(11, new Object[] {400, false}); // invalid data channel
        EXPECTED.put(12, new Object[] {400, true}); // event field is required
        EXPECTED.put(13, new Object[] {400, true}); // event field cannot be blank
        EXPECTED.put(14, new Object[] {400, false}); // ACK is disabled
        EXPECTED.put(15, new Object[] {400, true}); // error in handling indexed fields
        EXPECTED.put(16, new Object[] {400, false}); // query string authorization is not enabled
        EXPECTED.put(17, new Object[] {200, false}); // HEC is healthy: the url names the health endpoint
        EXPECTED.put(18, new Object[] {503, false}); // unhealthy, queues are full
        EXPECTED.put(19, new Object[] {503, false}); // unhealthy, ack service unavailable
        EXPECTED.put(20, new Object[] {503, false}); // unhealthy, queues full and ack service unavailable
        EXPECTED.put(21, new Object[] {400, false}); // invalid token (health)
        EXPECTED.put(22, new Object[] {400, false}); // token disabled (health)
        EXPECTED.put(23, new Object[] {503, false}); // server is shutting down
        EXPECTED.put(24, new Object[] {200, false}); // queue approaching capacity
        EXPECTED.put(25, new Object[] {200, false}); // ACK approaching capacity
        EXPECTED.put(26, new Object[] {429, false}); // queue at capacity
        EXPECTED.put(27, new Object[] {429, false}); // ACK channel at capacity
    }

    private static HttpClient.Response answer(int status, int code, String text, String retryAfter) {
        return new HttpClient.Response(status, retryAfter, "{\"text\":\"" + text + "\",\"code\":" + code + "}");
    }

    private static Outcome outcome(HttpClient.Response r) {
        return HecCodes.failure(r, HecCodes.parse(r));
    }

    @Test
    void theTableHoldsEveryDocumentedCodeWithItsHttpStatus() {
        assertThat(HecCodes.DOCUMENTED).extracting(HecCodes.Code::code)
                .containsExactlyElementsOf(IntStream.rangeClosed(0, 27).boxed().toList());
        assertThat(HecCodes.DOCUMENTED.get(0).httpStatus()).isEqualTo(200);
        assertThat(HecCodes.DOCUMENTED.get(0).fault()).isEqualTo(HecCodes.Fault.NONE);
        for (HecCodes.Code c : HecCodes.DOCUMENTED.subList(1, HecCodes.DOCUMENTED.size())) {
            assertThat(c.httpStatus()).as("HTTP status of code %d", c.code()).isEqualTo(EXPECTED.get(c.code())[0]);
        }
    }

    @Test
    void onlyTheEventsOwnFaultsRejectAndEveryOtherCodeIsRetriedWithItsText() {
        for (HecCodes.Code c : HecCodes.DOCUMENTED.subList(1, HecCodes.DOCUMENTED.size())) {
            Outcome o = outcome(answer(c.httpStatus(), c.code(), c.text(), null));
            boolean rejects = (Boolean) EXPECTED.get(c.code())[1];
            if (rejects) {
                assertThat(o).as("code %d", c.code()).isInstanceOfSatisfying(Outcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("HEC code " + c.code()).contains(c.text()));
            } else {
                assertThat(o).as("code %d", c.code()).isInstanceOfSatisfying(Outcome.Retryable.class, r -> {
                    assertThat(r.kind()).isEqualTo(Outcome.ErrorKind.REFUSED);
                    assertThat(r.message()).contains("HEC code " + c.code()).contains(c.text())
                            .contains("HTTP " + c.httpStatus());
                });
            }
        }
    }

    @Test
    void configurationCodesEndAnAckWaitAtOnceAndTheDestinationsAreWaitedOut() {
        for (int code : new int[] {1, 2, 3, 4, 7, 10, 11, 14, 16, 17, 21, 22}) {
            assertThat(HecCodes.fault(code)).as("code %d", code).isEqualTo(HecCodes.Fault.CONFIGURATION);
        }
        for (int code : new int[] {8, 9, 18, 19, 20, 23, 24, 25, 26, 27}) {
            assertThat(HecCodes.fault(code)).as("code %d", code).isEqualTo(HecCodes.Fault.DESTINATION);
        }
        for (int code : new int[] {5, 6, 12, 13, 15}) {
            assertThat(HecCodes.fault(code)).as("code %d", code).isEqualTo(HecCodes.Fault.EVENTS);
        }
    }

    @Test
    void capacityAndBusyAnswersHonourRetryAfter() {
        assertThat(outcome(answer(429, 26, "HEC queue is at capacity", "12")))
                .isInstanceOfSatisfying(Outcome.Retryable.class,
                        r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(12)));
        assertThat(outcome(answer(503, 9, "Server is busy", "3")))
                .isInstanceOfSatisfying(Outcome.Retryable.class,
                        r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
    }

    @Test
    void anUndocumentedCodeIsRetriedAndARequestTooLargeRejectsWhateverItsCode() {
        assertThat(outcome(answer(400, 99, "something new", null))).isInstanceOf(Outcome.Retryable.class);
        assertThat(HecCodes.fault(99)).isEqualTo(HecCodes.Fault.DESTINATION);
        // over max_content_length: the batch is split until it fits, or down to the one event too large
        assertThat(outcome(answer(413, 9, "Content too large", null))).isInstanceOf(Outcome.Rejected.class);
    }

    @Test
    void anAnswerWithoutAHecCodeFollowsTheHttpRule() {
        assertThat(outcome(new HttpClient.Response(502, null, "<html>bad gateway</html>")))
                .isInstanceOf(Outcome.Retryable.class);
        assertThat(outcome(new HttpClient.Response(400, null, "not json"))).isInstanceOf(Outcome.Rejected.class);
        assertThat(outcome(new HttpClient.Response(401, null, "{\"message\":\"no\"}")))
                .isInstanceOf(Outcome.Retryable.class);
    }
}
