package dev.gapless.agent.output.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsPartialSuccess;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceRequest;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceResponse;
import dev.gapless.agent.otlp.proto.rpc.Status;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.http.HttpSink;
import dev.gapless.config.output.otlp.OtlpOutputConfig.Compression;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/HTTP with protobuf: a batch's events as one {@code ExportLogsServiceRequest} ({@link EnvelopeMapper}), gzip'd
 * unless {@code compression: none}. The answer: 2xx delivered, unless its {@code partial_success} counts refused
 * records (which it does not name), then {@link Outcome.PartlyRejected}; any other status as the http output
 * classifies it ({@link HttpSink#classify}: 400 and other refusals of the events rejected, the batch split; 401,
 * 403, 404, 407, 408, 429 and 5xx retried, honouring {@code Retry-After}), with the message of the
 * {@code google.rpc.Status} body.
 */
final class OtlpExchange {

    /** A request body ({@code bytes[0, length)}), its {@code Content-Type} and {@code Content-Encoding} (or null). */
    record Body(byte[] bytes, int length, String contentType, String contentEncoding) {
    }

    private static final Logger log = LoggerFactory.getLogger(OtlpExchange.class);
    static final String CONTENT_TYPE = "application/x-protobuf";
    /** Of an answer's message kept for /health and the log. */
    private static final int MAX_MESSAGE_CHARS = 200;

    private final String id;
    private final Compression compression;

    OtlpExchange(String id, Compression compression) {
        this.id = id;
        this.compression = compression;
    }

    /**
     * The request body of a batch.
     *
     * @return null when nothing of the batch goes to the destination: it is delivered without a request
     * @throws IllegalArgumentException the batch cannot be put in a request: it is rejected with the message
     */
    Body body(EncodedBatch batch) {
        ExportLogsServiceRequest request = EnvelopeMapper.map(batch);
        if (request.getResourceLogsCount() == 0) {
            return null; // heartbeats and loss markers only: nothing for the receiver
        }
        byte[] proto = request.toByteArray();
        if (compression == Compression.NONE) {
            return new Body(proto, proto.length, CONTENT_TYPE, null);
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream(proto.length / 4 + 64);
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(proto);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory
        }
        return new Body(gz.toByteArray(), gz.size(), CONTENT_TYPE, "gzip");
    }

    /** Classifies a complete answer. */
    Outcome answer(int status, String retryAfter, byte[] body) {
        if (status >= 200 && status < 300) {
            ExportLogsPartialSuccess partial;
            try {
                partial = ExportLogsServiceResponse.parseFrom(body).getPartialSuccess();
            } catch (InvalidProtocolBufferException e) {
                // 2xx is the receiver's acceptance; a body that is not a response (a proxy's) cannot take it back
                log.warn("output {}: 2xx answer is not an ExportLogsServiceResponse ({}); delivered", id,
                        e.getMessage());
                return Outcome.DELIVERED;
            }
            if (partial.getRejectedLogRecords() > 0) {
                return new Outcome.PartlyRejected(partial.getRejectedLogRecords(), "partial_success: "
                        + partial.getRejectedLogRecords() + " rejected: " + cut(partial.getErrorMessage()));
            }
            if (!partial.getErrorMessage().isEmpty()) {
                log.warn("output {}: receiver warns: {}", id, cut(partial.getErrorMessage()));
            }
            return Outcome.DELIVERED;
        }
        return HttpSink.classify(status, retryAfter, message(body));
    }

    /** The message of a {@code google.rpc.Status} body; the body as text when it is not one. */
    static String message(byte[] body) {
        if (body.length == 0) {
            return "";
        }
        try {
            Status s = Status.parseFrom(body);
            if (!s.getMessage().isEmpty() || s.getCode() != 0) {
                return cut(s.getMessage()) + (s.getCode() != 0 ? " (code " + s.getCode() + ")" : "");
            }
        } catch (InvalidProtocolBufferException e) {
            // not a Status: a proxy's page, or JSON
        }
        return cut(new String(body, StandardCharsets.UTF_8).strip());
    }

    private static String cut(String s) {
        return s.length() > MAX_MESSAGE_CHARS ? s.substring(0, MAX_MESSAGE_CHARS) + "…" : s;
    }
}
