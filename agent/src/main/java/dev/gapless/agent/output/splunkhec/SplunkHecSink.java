package dev.gapless.agent.output.splunkhec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.agent.output.http.HttpClient;
import dev.gapless.config.Durations;
import dev.gapless.config.output.splunkhec.SplunkHecOutputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Sends each batch to HEC's {@code /services/collector/event} ({@link HecEvents}) with {@code Authorization: Splunk
 * <token>} and this sink's channel ({@code X-Splunk-Request-Channel}, a random UUID per sink), over kept-alive
 * connections, up to {@code batch.max_in_flight} batches at once, each on its own connection; {@link HecCodes} says
 * what a refusal means.
 *
 * <p>Every connection uses the one channel. A HEC channel is not a connection: it is the client's name, sent with
 * every request, for the series of requests whose ackIds HEC keeps for it, and HEC gives each request of a channel
 * its own ackId while several are outstanding (up to a per-channel limit the server sets). Each send polls only
 * its own ackId, so batches in flight at once do not wait on each other; the worker moves the cursor in seq order.
 *
 * <p>Without {@code ack}, code 0 is delivered: HEC has the events, not yet indexed. With {@code ack}, code 0 brings an
 * {@code ackId}, and the send completes delivered only once {@code /services/collector/ack} answers {@code true} for
 * it; polled every {@code ack_poll_interval}, at most until {@code ack_timeout} after the events were accepted. An
 * ackId still not true then (an indexer that restarted forgets its ackIds, which then never turn true) completes
 * the send retryable, so the worker sends the batch again: at least once, with a possible duplicate in Splunk, never
 * a loss. A poll that fails (busy, unreachable, slow) is polled again until that bound; one that says the token or
 * channel is wrong ends the send at once, retryable.
 */
public final class SplunkHecSink implements Sink {

    private final SplunkHecOutputConfig config;
    private final URI events;
    private final String ackTarget;
    private final HttpClient client;
    private final HecEvents encoder;
    private final Map<String, String> headers;
    private final EventLoopGroup group;
    private final LongSupplier nanoTime;

    /** @throws IOException when the token or a TLS file cannot be read */
    public SplunkHecSink(SplunkHecOutputConfig config, EventLoopGroup group) throws IOException {
        this(config, group, System::nanoTime);
    }

    SplunkHecSink(SplunkHecOutputConfig config, EventLoopGroup group, LongSupplier nanoTime) throws IOException {
        this.config = config;
        this.group = group;
        this.nanoTime = nanoTime;
        this.events = config.resolve(SplunkHecOutputConfig.EVENT_PATH);
        String channel = UUID.randomUUID().toString();
        this.ackTarget = config.resolve(SplunkHecOutputConfig.ACK_PATH).getRawPath() + "?channel=" + channel;
        this.client = new HttpClient(config.url(), config.tls(), config.timeout(), config.batch().maxInFlight(),
                "output " + config.id(), group);
        this.encoder = new HecEvents(config);
        this.headers = Map.of("Authorization", "Splunk " + HttpClient.credential(config.tokenFile(), "token_file"),
                "Content-Type", "application/json",
                "X-Splunk-Request-Channel", channel);
    }

    /** As many as the output's {@code batch.max_in_flight}: one connection per batch in flight, one channel. */
    @Override
    public int maxInFlight() {
        return config.batch().maxInFlight();
    }

    @Override
    public CompletionStage<Outcome> send(EncodedBatch batch) {
        byte[] body;
        try {
            body = encoder.body(batch);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Outcome.Rejected(e.getMessage()));
        }
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        client.exchange(HttpMethod.POST, events.getRawPath(), headers, body, body.length).thenAccept(a -> {
            if (a instanceof HttpClient.Failure f) {
                result.complete(f.why());
                return;
            }
            HttpClient.Response r = (HttpClient.Response) a;
            JsonNode answer = HecCodes.parse(r);
            if (r.status() / 100 != 2 || HecCodes.code(answer) != HecCodes.SUCCESS) {
                result.complete(HecCodes.failure(r, answer));
            } else if (!config.ack()) {
                result.complete(Outcome.DELIVERED);
            } else if (!answer.path("ackId").canConvertToLong()) {
                result.complete(new Outcome.Retryable(Outcome.ErrorKind.REFUSED, "HEC accepted the events but gave "
                        + "no ackId: indexer acknowledgement is off for this token; turn it on or set ack: false",
                        null));
            } else {
                long ackId = answer.path("ackId").asLong();
                poll(new AckWait(ackId, nanoTime.getAsLong() + config.ackTimeout().toNanos(), result), "none yet");
            }
        }).exceptionally(t -> internal(result, t));
        return result;
    }

    /** A fault of ours (or the event loops shut down under us): the send still completes, retryable. */
    private static Void internal(CompletableFuture<Outcome> result, Throwable t) {
        result.complete(new Outcome.Retryable(Outcome.ErrorKind.INTERNAL, "splunk_hec send failed: " + t, null));
        return null;
    }

    /** The poll of one ackId: until true, or its deadline. */
    private record AckWait(long ackId, long deadline, CompletableFuture<Outcome> result) {
    }

    /**
     * Polls again after the interval, unless the deadline has passed: then the send is retryable. Bounded: one poll
     * per interval until the deadline, each poll bounded by the timeout.
     */
    private void poll(AckWait w, String last) {
        try {
            schedulePoll(w, last);
        } catch (RuntimeException e) { // the event loops are shutting down
            internal(w.result, e);
        }
    }

    private void schedulePoll(AckWait w, String last) {
        group.schedule(() -> {
            if (nanoTime.getAsLong() - w.deadline >= 0) {
                w.result.complete(new Outcome.Retryable(Outcome.ErrorKind.TIMEOUT, "HEC ackId " + w.ackId
                        + " not acknowledged within " + Durations.format(config.ackTimeout())
                        + " (last poll: " + last + "); sending the batch again", null));
                return;
            }
            byte[] body = ("{\"acks\":[" + w.ackId + "]}").getBytes(StandardCharsets.UTF_8);
            client.exchange(HttpMethod.POST, ackTarget, headers, body, body.length).thenAccept(a -> answered(w, a))
                    .exceptionally(t -> internal(w.result, t));
        }, config.ackPollInterval().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void answered(AckWait w, HttpClient.Answer a) {
        if (a instanceof HttpClient.Failure f) {
            poll(w, f.why().message());
            return;
        }
        HttpClient.Response r = (HttpClient.Response) a;
        JsonNode answer = HecCodes.parse(r);
        int code = HecCodes.code(answer);
        if (r.status() / 100 == 2 && answer != null && answer.path("acks").isObject()) {
            JsonNode acked = answer.path("acks").path(Long.toString(w.ackId));
            if (acked.isBoolean() && acked.booleanValue()) {
                w.result.complete(Outcome.DELIVERED);
            } else {
                poll(w, "ackId " + w.ackId + " " + (acked.isBoolean() ? "false" : "unknown"));
            }
        } else if (HecCodes.fault(code) == HecCodes.Fault.CONFIGURATION) {
            // the token, channel or url is wrong: waiting cannot help
            w.result.complete(HecCodes.failure(r, answer));
        } else {
            poll(w, "HTTP " + r.status() + " " + r.shortBody());
        }
    }

    @Override
    public String destination() {
        return events.toString();
    }

    @Override
    public void close() {
        client.close();
    }
}
