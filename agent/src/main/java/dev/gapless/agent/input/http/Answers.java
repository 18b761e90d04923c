package dev.gapless.agent.input.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/** What the http input says: its answers (a one-key JSON object each) and the body formats it reads. */
final class Answers {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private Answers() {
    }

    /** An answer whose body is {@code {"<key>": value}} and a newline (a number for an Integer, else a string). */
    static FullHttpResponse response(HttpResponseStatus status, String key, Object value) {
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        try (ByteBufOutputStream out = new ByteBufOutputStream(r.content());
             JsonGenerator g = JSON.createGenerator((OutputStream) out)) {
            g.writeStartObject();
            if (value instanceof Integer n) {
                g.writeNumberField(key, n);
            } else {
                g.writeStringField(key, String.valueOf(value));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        r.content().writeByte('\n');
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        return r;
    }

    /** The body format a {@code Content-Type} names, or null. */
    static BodyParser.Format format(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        String mime = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return switch (mime) {
            case "application/x-ndjson", "application/ndjson" -> BodyParser.Format.NDJSON;
            case "application/json" -> BodyParser.Format.JSON;
            case "text/plain" -> BodyParser.Format.TEXT;
            default -> null;
        };
    }
}
