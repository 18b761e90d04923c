package dev.gapless.agent.input.otlp;

import com.google.protobuf.MessageLite;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsPartialSuccess;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceResponse;
import dev.gapless.agent.otlp.proto.rpc.Status;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What the otlp input answers, in the encoding of the request as OTLP/HTTP asks: an
 * {@code ExportLogsServiceResponse} on success (with {@code partial_success} when records were refused), a
 * {@code google.rpc.Status} on failure; protobuf for a protobuf request, OTLP/JSON otherwise.
 */
final class Answers {

    static final String PROTOBUF = "application/x-protobuf";
    static final String JSON = "application/json";

    /** The media type of a {@code Content-Type} header, lower case and without parameters ("" when absent). */
    static String mediaType(String contentType) {
        return contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    // google.rpc.Code values for the Status of each failure
    static final int INVALID_ARGUMENT = 3;
    static final int NOT_FOUND = 5;
    static final int RESOURCE_EXHAUSTED = 8;
    static final int UNIMPLEMENTED = 12;
    static final int UNAVAILABLE = 14;
    static final int UNAUTHENTICATED = 16;

    private Answers() {
    }

    static FullHttpResponse success(boolean protobuf, long rejected, String why) {
        if (protobuf) {
            ExportLogsServiceResponse.Builder r = ExportLogsServiceResponse.newBuilder();
            if (rejected > 0) {
                r.setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected)
                        .setErrorMessage(why));
            }
            return protobuf(HttpResponseStatus.OK, r.build());
        }
        String json = rejected == 0 ? "{}" : "{\"partialSuccess\":{\"rejectedLogRecords\":\"" + rejected
                + "\",\"errorMessage\":" + quote(why) + "}}";
        return json(HttpResponseStatus.OK, json);
    }

    static FullHttpResponse failure(boolean protobuf, HttpResponseStatus status, int code, String message) {
        if (protobuf) {
            return protobuf(status, Status.newBuilder().setCode(code).setMessage(message).build());
        }
        return json(status, "{\"code\":" + code + ",\"message\":" + quote(message) + "}");
    }

    private static FullHttpResponse protobuf(HttpResponseStatus status, MessageLite m) {
        return response(status, PROTOBUF, m.toByteArray());
    }

    private static FullHttpResponse json(HttpResponseStatus status, String body) {
        return response(status, JSON, (body + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    /** A JSON string literal. */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
