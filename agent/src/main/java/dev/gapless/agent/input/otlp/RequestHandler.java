package dev.gapless.agent.input.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.IngestPort.Closed;
import dev.gapless.agent.input.IngestPort.Full;
import dev.gapless.agent.input.IngestPort.Offer;
import dev.gapless.agent.input.IngestPort.Taken;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.internal.Gunzip;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.agent.net.HttpListener;
import dev.gapless.agent.otlp.OtlpJson;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceRequest;
import dev.gapless.config.input.otlp.OtlpInputConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;

/**
 * One connection's OTLP/HTTP requests, one at a time, each already gathered whole by the aggregator before it (which
 * answers 413 past {@code max_body_bytes}), its bearer token checked by the {@link TokenGate} before that when {@code
 * auth:} is set: checks path (404), method (405) and content type (415), inflates gzip up to {@code
 * max_decompressed_bytes} (413), decodes protobuf or OTLP/JSON (400 with a {@code Status} saying what is wrong; nothing
 * taken), maps the records ({@link RecordMapper}) and offers them as one batch: 200 once they are durable (with {@code
 * partial_success} for records refused alone), 503 with {@code Retry-After} while the journal is full or closing. Of
 * the two throttling answers OTLP/HTTP names (429 "more requests than the client is allowed", 503 "the server is
 * overloaded") a full journal is the second, whoever sends; every OTLP exporter retries 503 (some older ones dropped a
 * batch on 429), and it is what the http input answers too. Nothing more is read while a request waits for its force;
 * requests the codec decoded from the same read wait in order. Per-connection state: never shared; every method runs on
 * the connection's event loop.
 */
final class RequestHandler extends ChannelInboundHandlerAdapter {

    /** Whole seconds a client is told to wait when the journal is full: the port offers again every 50 ms. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final OtlpInput.Settings settings;
    private final IngestPort port;
    private final InputStats stats;
    private final Clock clock;
    private final RecordMapper mapper;
    // The connection's one reused batch: a taken batch was copied by the journal, a refused one is answered 503.
    private final MessageBatch batch = new MessageBatch(4096);
    private IngestPort.Sender sender;
    // A request is being answered (its records wait for their force): nothing more is read until it is.
    private boolean answering;
    /** Requests decoded from the read in progress while one is answered: at most what that one read held. */
    private final ArrayDeque<FullHttpRequest> held = new ArrayDeque<>();

    RequestHandler(OtlpInput.Settings settings, IngestPort port, InputStats stats, Clock clock) {
        this.settings = settings;
        this.port = port;
        this.stats = stats;
        this.clock = clock;
        this.mapper = new RecordMapper(settings.maxEventBytes());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        sender = port.openAcknowledging(stats, String.valueOf(ctx.channel().remoteAddress()));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        while (!held.isEmpty()) {
            held.poll().release();
        }
        sender.close();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && !answering) {
            ctx.close(); // a half-sent request is dropped: never taken, so never acknowledged
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest r)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        held.add(r);
        next(ctx);
    }

    /** Answers the held requests in order until one waits for its force; else reads more. */
    private void next(ChannelHandlerContext ctx) {
        while (!answering && !held.isEmpty()) {
            FullHttpRequest r = held.poll();
            try {
                if (ctx.channel().isActive()) {
                    handle(ctx, r);
                }
            } finally {
                r.release();
            }
        }
        if (!answering && ctx.channel().isActive()) {
            ctx.read();
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest r) {
        String type = r.headers().get(HttpHeaderNames.CONTENT_TYPE);
        String mime = Answers.mediaType(type);
        boolean protobuf = mime.equals(Answers.PROTOBUF);
        if (r.decoderResult().isFailure()) {
            refuse(ctx, r, protobuf, HttpResponseStatus.BAD_REQUEST, Answers.INVALID_ARGUMENT,
                    "malformed request: " + r.decoderResult().cause(), true);
            return;
        }
        if (!new QueryStringDecoder(r.uri()).path().equals(OtlpInputConfig.PATH)) {
            answer(ctx, r, Answers.failure(protobuf, HttpResponseStatus.NOT_FOUND, Answers.NOT_FOUND,
                    "no such path: logs are POSTed to " + OtlpInputConfig.PATH), false);
            return;
        }
        if (!HttpMethod.POST.equals(r.method())) {
            FullHttpResponse a = Answers.failure(protobuf, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    Answers.UNIMPLEMENTED, "only POST is allowed here");
            a.headers().set(HttpHeaderNames.ALLOW, HttpMethod.POST.name());
            answer(ctx, r, a, false);
            return;
        }
        if (!protobuf && !mime.equals(Answers.JSON)) {
            refuse(ctx, r, false, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, Answers.INVALID_ARGUMENT,
                    "Content-Type must be application/x-protobuf or application/json", false);
            return;
        }
        String encoding = r.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        boolean gzip = encoding != null && encoding.trim().equalsIgnoreCase("gzip");
        if (encoding != null && !gzip && !encoding.trim().equalsIgnoreCase("identity")) {
            refuse(ctx, r, protobuf, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, Answers.INVALID_ARGUMENT,
                    "Content-Encoding must be gzip or identity", false);
            return;
        }
        ByteBuf content = r.content();
        byte[] bytes = ByteBufUtil.getBytes(content, content.readerIndex(), content.readableBytes(), false);
        int length = content.readableBytes();
        if (gzip) {
            try {
                bytes = Gunzip.inflate(bytes, length, settings.maxDecompressedBytes());
                length = bytes.length;
            } catch (Gunzip.TooLarge e) {
                refuse(ctx, r, protobuf, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Answers.RESOURCE_EXHAUSTED,
                        e.getMessage(), false);
                return;
            } catch (IOException e) {
                refuse(ctx, r, protobuf, HttpResponseStatus.BAD_REQUEST, Answers.INVALID_ARGUMENT,
                        "invalid gzip body: " + e.getMessage(), false);
                return;
            }
        }
        ExportLogsServiceRequest request;
        try {
            request = protobuf ? ExportLogsServiceRequest.parseFrom(ByteBuffer.wrap(bytes, 0, length))
                    : OtlpJson.parse(bytes, length);
        } catch (InvalidProtocolBufferException e) {
            refuse(ctx, r, true, HttpResponseStatus.BAD_REQUEST, Answers.INVALID_ARGUMENT,
                    "not an ExportLogsServiceRequest: " + e.getMessage(), false);
            return;
        } catch (OtlpJson.Malformed e) {
            refuse(ctx, r, false, HttpResponseStatus.BAD_REQUEST, Answers.INVALID_ARGUMENT,
                    "not an OTLP/JSON logs request: " + e.getMessage(), false);
            return;
        }
        offer(ctx, r, protobuf, request);
    }

    private void offer(ChannelHandlerContext ctx, FullHttpRequest r, boolean protobuf,
                       ExportLogsServiceRequest request) {
        RecordMapper.Mapped mapped = mapper.map(request, batch);
        if (mapped.refused() > 0) {
            sender.reject(mapped.refused(), "413 " + mapped.firstRefusal());
        }
        if (mapped.added() == 0) {
            answer(ctx, r, Answers.success(protobuf, mapped.refused(), partial(mapped)), false);
            return;
        }
        Instant now = clock.instant();
        batch.receivedAtNanos(now.getEpochSecond() * 1_000_000_000L + now.getNano());
        Offer offer;
        try {
            offer = sender.offer(batch);
        } catch (IllegalArgumentException tooLong) {
            refuse(ctx, r, protobuf, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Answers.RESOURCE_EXHAUSTED,
                    tooLong.getMessage(), false, mapped.added());
            return;
        }
        if (offer instanceof Full full) {
            FullHttpResponse a = Answers.failure(protobuf, HttpResponseStatus.SERVICE_UNAVAILABLE, Answers.UNAVAILABLE,
                    "the journal is full (" + full.reason().name().toLowerCase(Locale.ROOT)
                            + "): nothing of this request was taken, send it again later");
            a.headers().set(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
            answer(ctx, r, a, false);
            return;
        }
        if (offer instanceof Closed) {
            answer(ctx, r, Answers.failure(protobuf, HttpResponseStatus.SERVICE_UNAVAILABLE, Answers.UNAVAILABLE,
                    "the agent is shutting down: nothing of this request was taken"), true);
            return;
        }
        answering = true;
        boolean keepAlive = HttpUtil.isKeepAlive(r);
        ((Taken) offer).durable().whenComplete((v, err) -> {
            Runnable reply = () -> {
                answering = false;
                if (err == null) {
                    send(ctx, Answers.success(protobuf, mapped.refused(), partial(mapped)), !keepAlive);
                } else {
                    // The journal closed before its force: never acknowledged, so the client sends it again.
                    send(ctx, Answers.failure(protobuf, HttpResponseStatus.SERVICE_UNAVAILABLE, Answers.UNAVAILABLE,
                            "the agent is shutting down: not acknowledged, send it again"), true);
                }
                next(ctx);
            };
            try {
                ctx.executor().execute(reply);
            } catch (RejectedExecutionException shuttingDown) {
                // the event loop is gone, and the connection with it: never acknowledged
            }
        });
    }

    private static String partial(RecordMapper.Mapped mapped) {
        return mapped.refused() == 0 ? "" : mapped.refused() + " log record(s) refused; the first: "
                + mapped.firstRefusal();
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpRequest r, boolean protobuf, HttpResponseStatus status,
                        int code, String why, boolean close) {
        refuse(ctx, r, protobuf, status, code, why, close, 1);
    }

    /** Refuses a whole request, counted as {@code events} rejected (1 when its records are not known). */
    private void refuse(ChannelHandlerContext ctx, FullHttpRequest r, boolean protobuf, HttpResponseStatus status,
                        int code, String why, boolean close, int events) {
        sender.reject(events, status.code() + " " + why);
        answer(ctx, r, Answers.failure(protobuf, status, code, why), close);
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest r, FullHttpResponse a, boolean close) {
        send(ctx, a, close || !HttpUtil.isKeepAlive(r));
    }

    private void send(ChannelHandlerContext ctx, FullHttpResponse a, boolean close) {
        if (close) {
            a.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(a).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(a);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        HttpListener.connectionFailed(stats, ctx, cause);
        ctx.close();
    }
}
