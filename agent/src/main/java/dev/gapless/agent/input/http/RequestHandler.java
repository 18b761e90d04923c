package dev.gapless.agent.input.http;

import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.IngestPort.Closed;
import dev.gapless.agent.input.IngestPort.Full;
import dev.gapless.agent.input.IngestPort.Offer;
import dev.gapless.agent.input.IngestPort.Taken;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.agent.internal.Gunzip;
import dev.gapless.agent.net.HttpListener;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;

/**
 * One connection's requests, one at a time: checks the request line and headers (path 404, method 405, token 401,
 * declared length 413, content type 415), gathers the body up to {@code max_body_bytes} (413 past it), inflates a
 * gzip body up to {@code max_decompressed_bytes} (413 past it), parses it whole ({@link BodyParser}: 400 naming the
 * first bad line) and offers its events to the {@link IngestPort} as one batch, all or none: 200 once the port says
 * they are durable, 503 with {@code Retry-After} while the journal is full or closing. Nothing is read from the
 * connection while a request is being answered (reading is manual), and what the codec decoded already from the
 * last socket read is held until then, so answers go out in request order.
 * Per-connection state: never shared; every method runs on the connection's event loop.
 */
final class RequestHandler extends ChannelInboundHandlerAdapter {

    /** Whole seconds a client is told to wait when the journal is full: the port offers again every 50 ms. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final HttpInput.Settings settings;
    private final IngestPort port;
    private final InputStats stats;
    private final Clock clock;
    private final BodyParser parser;
    // The connection's one reused batch: a taken batch was copied by the journal, a refused one is answered 503.
    private final MessageBatch batch = new MessageBatch(4096);
    // Opened when the handler joins its connection's pipeline (the peer's address is known by then).
    private IngestPort.Sender sender;
    // The request whose body is arriving; null between requests.
    private HttpRequest request;
    private BodyParser.Format format;
    private boolean gzip;
    // Its body so far, at most max_body_bytes; null until its first content.
    private ByteBuf body;
    // The request was answered already (refused before its end): the rest of its body is read and dropped.
    private boolean discarding;
    private long discarded;
    // After the discarded rest, close instead of reading the next request.
    private boolean closeAfterDiscard;
    // A request is being answered (its events wait for their force): nothing more is read until it is.
    private boolean answering;
    // True while a message is handled: the loop in next() goes on to the following one itself.
    private boolean inRead;
    /**
     * Messages that arrived while a request was being answered (pipelined requests): at most what the codec decoded
     * from the one socket read in progress, since no further read is asked for until the answer is out.
     */
    private final ArrayDeque<Object> held = new ArrayDeque<>();

    RequestHandler(HttpInput.Settings settings, IngestPort port, InputStats stats, Clock clock) {
        this.settings = settings;
        this.port = port;
        this.stats = stats;
        this.clock = clock;
        this.parser = new BodyParser(settings.messageKey(), settings.maxEventBytes());
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
        releaseBody();
        while (!held.isEmpty()) {
            ReferenceCountUtil.release(held.poll());
        }
        sender.close();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && !answering) {
            // Nothing sent for idle_timeout while nothing of it is being answered: a half-sent request is dropped
            // (never taken, so never acknowledged) and the connection closed.
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        held.add(msg);
        if (!inRead) {
            next(ctx);
        }
    }

    /** Handles the held messages in order until one makes a request wait for its answer; else reads more. */
    private void next(ChannelHandlerContext ctx) {
        inRead = true;
        try {
            while (!answering && !held.isEmpty()) {
                Object msg = held.poll();
                try {
                    if (msg instanceof HttpRequest r && ctx.channel().isActive()) {
                        start(ctx, r);
                    }
                    if (msg instanceof HttpContent c && ctx.channel().isActive()) {
                        content(ctx, c);
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }
        } finally {
            inRead = false;
        }
        if (!answering && ctx.channel().isActive()) {
            ctx.read();
        }
    }

    private void start(ChannelHandlerContext ctx, HttpRequest r) {
        request = r;
        discarding = false;
        discarded = 0;
        closeAfterDiscard = false;
        if (r.decoderResult().isFailure()) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request: " + r.decoderResult().cause(), 1, true);
            return;
        }
        String path = new QueryStringDecoder(r.uri()).path();
        if (!path.equals(settings.path())) {
            refuse(ctx, HttpResponseStatus.NOT_FOUND, "no such path: events are POSTed to " + settings.path(), 0,
                    false);
            return;
        }
        if (!HttpMethod.POST.equals(r.method())) {
            refuse(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "only POST is allowed here", 0, false);
            return;
        }
        if (!settings.token().accepts(r.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            refuse(ctx, HttpResponseStatus.UNAUTHORIZED, "a valid bearer token is required", 1, false);
            return;
        }
        long declared = HttpUtil.getContentLength(r, -1L);
        if (declared > settings.maxBodyBytes()) {
            refuse(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "a body of " + declared
                    + " bytes exceeds max_body_bytes (" + settings.maxBodyBytes() + ")", 1, true);
            return;
        }
        format = Answers.format(r.headers().get(HttpHeaderNames.CONTENT_TYPE));
        if (format == null) {
            refuse(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/x-ndjson,"
                    + " application/json or text/plain", 1, false);
            return;
        }
        String encoding = r.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        gzip = encoding != null && encoding.trim().equalsIgnoreCase("gzip");
        if (encoding != null && !gzip && !encoding.trim().equalsIgnoreCase("identity")) {
            refuse(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Encoding must be gzip or identity", 1,
                    false);
            return;
        }
        if (HttpUtil.is100ContinueExpected(r)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    private void content(ChannelHandlerContext ctx, HttpContent c) {
        if (request == null) {
            return; // content after an answered-and-closed request: nothing to do
        }
        if (c.decoderResult().isFailure() && !discarding) {
            releaseBody();
            answerRefused(ctx, HttpResponseStatus.BAD_REQUEST, "malformed body: " + c.decoderResult().cause(), 1);
            ctx.close();
            return;
        }
        ByteBuf in = c.content();
        if (discarding) {
            discarded += in.readableBytes();
            if (discarded > settings.maxBodyBytes()) {
                ctx.close(); // a refused body goes on past max_body_bytes: stop reading it
                return;
            }
            if (c instanceof LastHttpContent) {
                request = null;
                discarding = false;
                if (closeAfterDiscard) {
                    ctx.close();
                }
            }
            return;
        }
        if (in.isReadable()) {
            int have = body == null ? 0 : body.readableBytes();
            if ((long) have + in.readableBytes() > settings.maxBodyBytes()) {
                releaseBody();
                refuse(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "the body exceeds max_body_bytes ("
                        + settings.maxBodyBytes() + ")", 1, true);
                return;
            }
            if (body == null) {
                body = ctx.alloc().heapBuffer(Math.min(settings.maxBodyBytes(), Math.max(1024, in.readableBytes())),
                        settings.maxBodyBytes());
            }
            body.writeBytes(in);
        }
        if (c instanceof LastHttpContent) {
            complete(ctx);
        }
    }

    /** The whole body is here: inflate, parse, offer. */
    private void complete(ChannelHandlerContext ctx) {
        byte[] bytes;
        int length;
        if (body == null) {
            bytes = new byte[0];
            length = 0;
        } else if (body.hasArray() && body.arrayOffset() == 0) {
            bytes = body.array();
            length = body.readableBytes();
        } else {
            bytes = new byte[body.readableBytes()];
            body.getBytes(body.readerIndex(), bytes);
            length = bytes.length;
        }
        try {
            if (gzip) {
                try {
                    bytes = Gunzip.inflate(bytes, length, settings.maxDecompressedBytes());
                    length = bytes.length;
                } catch (Gunzip.TooLarge e) {
                    answerRefused(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, e.getMessage(), 1);
                    return;
                } catch (IOException e) {
                    answerRefused(ctx, HttpResponseStatus.BAD_REQUEST, "invalid gzip body: " + e.getMessage(), 1);
                    return;
                }
            }
            BodyParser.Refusal refusal = parser.parse(format, bytes, length, batch);
            if (refusal != null) {
                answerRefused(ctx, HttpResponseStatus.valueOf(refusal.status()), refusal.message(),
                        refusal.events());
                return;
            }
        } finally {
            releaseBody();
        }
        offer(ctx);
    }

    private void offer(ChannelHandlerContext ctx) {
        int events = batch.size();
        Instant now = clock.instant();
        batch.receivedAtNanos(now.getEpochSecond() * 1_000_000_000L + now.getNano());
        Offer offer;
        try {
            offer = sender.offer(batch);
        } catch (IllegalArgumentException tooLong) {
            answerRefused(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, tooLong.getMessage(), events);
            return;
        }
        if (offer instanceof Full full) {
            FullHttpResponse r = Answers.response(HttpResponseStatus.SERVICE_UNAVAILABLE, "error",
                    "the journal is full (" + full.reason().name().toLowerCase(Locale.ROOT)
                            + "): nothing of this request was taken, send it again later");
            r.headers().set(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
            answer(ctx, r, false);
            return;
        }
        if (offer instanceof Closed) {
            answer(ctx, Answers.response(HttpResponseStatus.SERVICE_UNAVAILABLE, "error",
                    "the agent is shutting down: nothing of this request was taken"), true);
            return;
        }
        answering = true;
        ((Taken) offer).durable().whenComplete((v, err) -> {
            Runnable reply = () -> {
                if (err == null) {
                    answer(ctx, Answers.response(HttpResponseStatus.OK, "accepted", events), false);
                } else {
                    // The journal closed before its force: never acknowledged, so the client sends it again.
                    answer(ctx, Answers.response(HttpResponseStatus.SERVICE_UNAVAILABLE, "error",
                            "the agent is shutting down: not acknowledged, send it again"), true);
                }
            };
            try {
                ctx.executor().execute(reply);
            } catch (RejectedExecutionException shuttingDown) {
                // the event loop is gone, and the connection with it: never acknowledged
            }
        });
    }

    /** Refuses the request being read, before its end: answered now, the rest of its body read and dropped. */
    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String why, int events, boolean close) {
        if (events > 0) {
            sender.reject(events, status.code() + " " + why);
        }
        boolean keepAlive = !close && HttpUtil.isKeepAlive(request);
        FullHttpResponse r = Answers.response(status, "error", why);
        if (status == HttpResponseStatus.UNAUTHORIZED) {
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        } else if (status == HttpResponseStatus.METHOD_NOT_ALLOWED) {
            r.headers().set(HttpHeaderNames.ALLOW, HttpMethod.POST.name());
        }
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            // A client waiting for 100 Continue sends no body after a final answer: close rather than wait for it.
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            request = null;
            return;
        }
        ctx.writeAndFlush(r);
        // The client may be sending the body still: read it to its end and drop it (closing now could reset the
        // connection before the client reads the answer), then close or go on to the next request.
        discarding = true;
        closeAfterDiscard = !keepAlive;
    }

    /** Refuses a request whose body was read whole. */
    private void answerRefused(ChannelHandlerContext ctx, HttpResponseStatus status, String why, int events) {
        sender.reject(events, status.code() + " " + why);
        answer(ctx, Answers.response(status, "error", why), false);
    }

    /** Sends the answer of the request read whole, then reads the next one (or closes). */
    private void answer(ChannelHandlerContext ctx, FullHttpResponse r, boolean close) {
        boolean keepAlive = !close && request != null && HttpUtil.isKeepAlive(request);
        request = null;
        answering = false;
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(r);
        if (!inRead) {
            next(ctx);
        }
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        HttpListener.connectionFailed(stats, ctx, cause);
        releaseBody();
        ctx.close();
    }
}
