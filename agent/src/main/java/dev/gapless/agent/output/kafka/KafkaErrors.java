package dev.gapless.agent.output.kafka;

import dev.gapless.agent.output.Outcome;
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
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * What a failed record means for its batch. Only a refusal the event itself causes (too large for the cluster)
 * rejects the batch, which the worker then splits to find the event. Everything else is retried forever: no answer
 * in time (the producer's delivery timeout, metadata not found) is a timeout; a lost connection is an unreachable
 * cluster; an answer from the cluster about the destination or the credentials (not enough replicas, no leader, an
 * unknown topic, authentication or authorization refused) is a refusal, which the watchdog does not blame on the
 * agent (it reaches the brokers too) and an operator must fix.
 */
final class KafkaErrors {

    private KafkaErrors() {
    }

    static Outcome classify(Throwable e) {
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
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

    /** True if the destination or the credentials are wrong: an operator must act (the sink logs it as an error). */
    static boolean needsOperator(Throwable e) {
        return e instanceof AuthenticationException || e instanceof AuthorizationException
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
