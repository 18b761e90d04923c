package dev.gapless.agent.output.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.output.Outcome;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/** Each failure a record's callback can bring, and what it makes of the batch. */
class KafkaErrorsTest {

    private static Outcome.ErrorKind retriedAs(Throwable e) {
        Outcome o = KafkaErrors.classify(e);
        assertThat(o).as(e.getClass().getSimpleName()).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) o).message()).contains(e.getClass().getSimpleName()).contains(e.getMessage());
        return ((Outcome.Retryable) o).kind();
    }

    @Test
    void onlyARecordTooLargeRejectsTheBatch() {
        assertThat(KafkaErrors.classify(new RecordTooLargeException("The message is 2000000 bytes")))
                .isEqualTo(new Outcome.Rejected("RecordTooLargeException: The message is 2000000 bytes"));
        assertThat(KafkaErrors.classify(new RecordBatchTooLargeException("batch")))
                .isInstanceOf(Outcome.Rejected.class);
        assertThat(KafkaErrors.needsOperator(new RecordTooLargeException("x"))).isFalse();
        assertThat(KafkaErrors.spoilsProducer(new RecordTooLargeException("x"))).isFalse();
    }

    @Test
    void noAnswerInTimeIsATimeoutAndALostConnectionUnreachable() {
        assertThat(retriedAs(new TimeoutException("Expiring 3 record(s) for logs-0: 10001 ms has passed")))
                .isEqualTo(Outcome.ErrorKind.TIMEOUT);
        assertThat(retriedAs(new TimeoutException("Topic logs not present in metadata after 30000 ms.")))
                .isEqualTo(Outcome.ErrorKind.TIMEOUT);
        assertThat(retriedAs(new NetworkException("disconnected"))).isEqualTo(Outcome.ErrorKind.UNREACHABLE);
        assertThat(KafkaErrors.spoilsProducer(new TimeoutException("x"))).isFalse();
        assertThat(KafkaErrors.needsOperator(new NetworkException("x"))).isFalse();
    }

    @Test
    void answersOfTheClusterAreRefusalsRetriedForever() {
        // The cluster answered: the watchdog, which reaches the brokers too, must not blame the agent for these.
        for (Throwable e : new Throwable[] {new NotEnoughReplicasException("isr 1 < 2"),
                new NotEnoughReplicasAfterAppendException("after"), new NotLeaderOrFollowerException("moved"),
                new UnknownTopicOrPartitionException("no topic"), new TopicAuthorizationException("denied"),
                new ClusterAuthorizationException("no idempotent write"), new SaslAuthenticationException("bad pw"),
                new SslAuthenticationException("handshake"), new InvalidTopicException("bad"),
                new InvalidRecordException("compacted topic needs a key")}) {
            assertThat(retriedAs(e)).as(e.getClass().getSimpleName()).isEqualTo(Outcome.ErrorKind.REFUSED);
        }
    }

    @Test
    void credentialAndDestinationErrorsAlertAnOperator() {
        assertThat(KafkaErrors.needsOperator(new TopicAuthorizationException("denied"))).isTrue();
        assertThat(KafkaErrors.needsOperator(new SaslAuthenticationException("bad pw"))).isTrue();
        assertThat(KafkaErrors.needsOperator(new InvalidRecordException("needs a key"))).isTrue();
        assertThat(KafkaErrors.needsOperator(new NotEnoughReplicasException("isr"))).isFalse();
        assertThat(KafkaErrors.needsOperator(new UnknownTopicOrPartitionException("t"))).isFalse();
    }

    @Test
    void aProducerLeftUnusableIsReplacedAndItsFailureIsTheAgents() {
        assertThat(KafkaErrors.spoilsProducer(new SaslAuthenticationException("bad pw"))).isTrue();
        assertThat(KafkaErrors.spoilsProducer(new ClusterAuthorizationException("idempotent write"))).isTrue();
        assertThat(KafkaErrors.spoilsProducer(new OutOfOrderSequenceException("seq"))).isTrue();
        assertThat(KafkaErrors.spoilsProducer(new KafkaException("fatal state"))).isTrue();
        assertThat(KafkaErrors.spoilsProducer(new IllegalStateException("closed"))).isTrue();
        assertThat(retriedAs(new KafkaException("Cannot perform send because at least one previous ... failed")))
                .isEqualTo(Outcome.ErrorKind.INTERNAL);
        assertThat(retriedAs(new IllegalStateException("Cannot perform operation after producer has been closed")))
                .isEqualTo(Outcome.ErrorKind.INTERNAL);
        assertThat(KafkaErrors.spoilsProducer(new TopicAuthorizationException("t"))).isFalse();
    }

    @Test
    void aTlsFailureSaysWhyFromItsCauses() {
        Throwable e = new SslAuthenticationException("SSL handshake failed", new javax.net.ssl.SSLHandshakeException(
                "PKIX path building failed: unable to find valid certification path to requested target"));
        assertThat(((Outcome.Retryable) KafkaErrors.classify(e)).message()).isEqualTo("SslAuthenticationException: "
                + "SSL handshake failed: PKIX path building failed: unable to find valid certification path to "
                + "requested target");
        assertThat(KafkaErrors.describe(new SaslAuthenticationException("bad", new RuntimeException("inner"))))
                .as("other failures: their own message only").isEqualTo("SaslAuthenticationException: bad");
    }

    @Test
    void aTopicMetadataTimeoutWhileConnectedIsAMissingTopicAnOperatorMustCreate() {
        TimeoutException waited = new TimeoutException("Topic logs not present in metadata after 3000 ms.");
        assertThat(KafkaErrors.isTopicMetadataTimeout(waited)).isTrue();
        assertThat(KafkaErrors.isTopicMetadataTimeout(new TimeoutException("Partition 3 of topic logs with partition "
                + "count 2 is not present in metadata after 3000 ms."))).isFalse();
        assertThat(KafkaErrors.isTopicMetadataTimeout(new TimeoutException("Expiring 3 record(s)"))).isFalse();
        Throwable missing = KafkaErrors.noSuchTopic(waited);
        assertThat(retriedAs(missing)).isEqualTo(Outcome.ErrorKind.REFUSED);
        assertThat(((Outcome.Retryable) KafkaErrors.classify(missing)).message())
                .contains("has no such topic").contains("Topic logs not present in metadata after 3000 ms.");
        assertThat(KafkaErrors.needsOperator(missing)).isTrue();
        assertThat(KafkaErrors.spoilsProducer(missing)).isFalse();
    }
}
