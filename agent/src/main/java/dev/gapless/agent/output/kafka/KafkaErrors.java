package dev.gapless.agent.output.kafka;

import dev.gapless.agent.output.Outcome;
import java.util.regex.Pattern;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * What a failed record means for its batch. Only a refusal the event itself causes (too large for the cluster)
 * rejects the batch, which the worker then splits to find the event. Everything else is retried forever: no answer
 * in time (the producer's delivery timeout, metadata not found with no broker connected) is a timeout; a lost
 * connection is an unreachable cluster; an answer from the cluster about the destination or the credentials (not
 * enough replicas, no leader, an unknown topic, a topic's metadata not found while connected ({@link
 * NoSuchTopicException}), authentication or authorization refused) is a refusal, which the watchdog does not blame
 * on the agent (it reaches the brokers too) and an operator must fix.
 */
final class KafkaErrors {

    private KafkaErrors() {
    }

    /** What the producer says when a topic's metadata did not come in time ({@code max.block.ms}). */
    private static final Pattern TOPIC_METADATA_TIMEOUT =
            Pattern.compile("Topic \\S+ not present in metadata after .*");
    /** How many causes of a TLS failure are added to its message. */
    private static final int MAX_CAUSES = 5;

    /** The cluster answers but has no such topic, and does not create topics on first use: an operator must act. */
    static final class NoSuchTopicException extends ApiException {
        NoSuchTopicException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static Outcome classify(Throwable e) {
        String message = describe(e);
        if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException) {
            return new Outcome.Rejected(message);
        }
        if (e instanceof TimeoutException) {
            return new Outcome.Retryable(Outcome.ErrorKind.TIMEOUT, message, null);
        }
        if (e instanceof NetworkException) {
            return new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE, message, null);
        }
        if (!(e instanceof ApiException)) {
            // not an answer from the cluster: the producer itself failed (closed, in a fatal state)
            return new Outcome.Retryable(Outcome.ErrorKind.INTERNAL, message, null);
        }
        return new Outcome.Retryable(Outcome.ErrorKind.REFUSED, message, null);
    }

    /**
     * The failure's class and message; for a TLS failure (whose own message is only "SSL handshake failed") also its
     * causes', which say why: an untrusted chain, a name the certificate does not have, no client certificate.
     */
    static String describe(Throwable e) {
        StringBuilder m = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        if (e instanceof SslAuthenticationException) {
            Throwable cause = e.getCause();
            for (int i = 0; i < MAX_CAUSES && cause != null; i++, cause = cause.getCause()) {
                String said = cause.getMessage();
                if (said != null && m.indexOf(said) < 0) {
                    m.append(": ").append(said);
                }
            }
        }
        return m.toString();
    }

    /** True if {@code e} is the producer giving up waiting for a topic's metadata. */
    static boolean isTopicMetadataTimeout(Throwable e) {
        return e instanceof TimeoutException && e.getMessage() != null
                && TOPIC_METADATA_TIMEOUT.matcher(e.getMessage()).matches();
    }

    /** What {@link #isTopicMetadataTimeout} means when the producer is connected: the topic does not exist. */
    static NoSuchTopicException noSuchTopic(Throwable metadataTimeout) {
        return new NoSuchTopicException("the cluster answers but has no such topic, and creates none on first use: "
                + metadataTimeout.getMessage(), metadataTimeout);
    }

    /** True if the destination or the credentials are wrong: an operator must act (the sink logs it as an error). */
    static boolean needsOperator(Throwable e) {
        return e instanceof AuthenticationException || e instanceof AuthorizationException
                || e instanceof NoSuchTopicException
                || e instanceof InvalidTopicException || e instanceof InvalidRecordException
                || e instanceof UnsupportedVersionException;
    }

    /**
     * True if the producer cannot be used any more after this (an idempotent producer in a fatal state, failed
     * authentication): the sink builds a new one before the next send.
     */
    static boolean spoilsProducer(Throwable e) {
        if (e instanceof AuthenticationException || e instanceof ClusterAuthorizationException
                || e instanceof OutOfOrderSequenceException || e instanceof UnknownProducerIdException
                || e instanceof InvalidPidMappingException || e instanceof UnsupportedVersionException) {
            return true;
        }
        return !(e instanceof ApiException);
    }
}
