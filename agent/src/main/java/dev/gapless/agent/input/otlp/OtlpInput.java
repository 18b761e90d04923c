package dev.gapless.agent.input.otlp;

import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.net.BearerToken;
import dev.gapless.agent.net.HttpListener;
import dev.gapless.config.input.otlp.OtlpInputConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry logs over OTLP/HTTP ({@code POST /v1/logs}), optionally over TLS or mTLS and behind a bearer token.
 * The {@link HttpListener} gives each connection TLS, an idle timer and {@link HttpServerCodec}; with {@code auth:}, a
 * {@link TokenGate} refuses a request without the token on its head (401, the connection closed); then an aggregator
 * gathers a body up to {@code max_body_bytes} (413 past it, counted) and its {@link RequestHandler} answers it
 * (reading is manual: it asks for more only once a request is answered). At {@code max_connections} a new
 * connection is closed on accept (counted). The heap one connection holds is bounded by {@code max_body_bytes}
 * while its body arrives, plus {@code max_decompressed_bytes}, the decoded request and its batch while its event
 * loop handles it.
 */
public final class OtlpInput implements Input {

    private static final Logger log = LoggerFactory.getLogger(OtlpInput.class);

    /** What every connection's handler needs, resolved at start (the token read from its file or variable). */
    record Settings(int maxBodyBytes, int maxDecompressedBytes, int maxEventBytes, BearerToken token) {
    }

    private final OtlpInputConfig config;
    private final IngestPort port;
    private final Clock clock;
    private final InputStats stats;
    private final HttpListener listener;

    public OtlpInput(OtlpInputConfig config, IngestPort port, EventLoopGroup boss, EventLoopGroup workers,
                     Clock clock) {
        this.config = config;
        this.port = port;
        this.clock = clock;
        this.stats = new InputStats(config.id(), config.type());
        this.listener = new HttpListener(new HttpListener.Spec("input " + config.id(), config.listen(),
                config.maxConnections(), config.idleTimeout(), config.tls(), config.auth()), stats, boss, workers);
    }

    @Override
    public void start() throws IOException, InterruptedException {
        Settings settings = new Settings((int) config.maxBodyBytes().bytes(),
                (int) config.maxDecompressedBytes().bytes(),
                (int) Math.min(Integer.MAX_VALUE - 16, config.maxEventBytes().bytes()), listener.load());
        listener.bind(p -> {
            if (settings.token().required()) {
                p.addLast(new TokenGate(settings.token(), stats));
            }
            p.addLast(new Aggregator(settings.maxBodyBytes(), stats), new RequestHandler(settings, port, stats, clock));
        });
        log.info("input {} listening on {} at path {}", config.id(), listener.describe(), OtlpInputConfig.PATH);
    }

    /**
     * Netty's aggregator of a request's body up to {@code max_body_bytes}, which answers a body past it here: 413 with
     * a {@code Status} saying why, counted as one rejected event (its records are unknown). The connection reads
     * only when asked, so Netty's own answer would close it at once, with the body still arriving: the kernel then
     * resets the connection and the client may never read the 413. Instead the rest of the body is read and dropped
     * (the aggregator drops it; this asks for the reads), up to {@link #MAX_DROPPED_BYTES}, then the connection goes
     * on to the next request, or closes when the request did not keep it alive. A client that waits for
     * {@code 100 Continue} sends no body after a final answer, so that connection is closed at once.
     */
    private static final class Aggregator extends HttpObjectAggregator {
        /**
         * The most of a refused body read and dropped; past it the connection is closed (the client has had the
         * answer for as long as the bytes took to arrive).
         */
        static final long MAX_DROPPED_BYTES = 64L * 1024 * 1024;

        private final InputStats stats;
        private boolean dropping; // the rest of a refused body is being read and dropped
        private boolean closeAfter;
        private boolean readNext; // the refused request ended: read the next one
        private long dropped;

        Aggregator(int maxBody, InputStats stats) {
            super(maxBody, true);
            this.stats = stats;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
            stats.rejected.increment();
            log.warn("input {}: refused a request from {} (413): its body exceeds max_body_bytes ({})", stats.id,
                    ctx.channel().remoteAddress(), maxContentLength());
            if (!(oversized instanceof HttpRequest)) {
                super.handleOversizedMessage(ctx, oversized);
                return;
            }
            boolean protobuf = Answers.mediaType(oversized.headers().get(HttpHeaderNames.CONTENT_TYPE))
                    .equals(Answers.PROTOBUF);
            FullHttpResponse a = Answers.failure(protobuf, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    Answers.RESOURCE_EXHAUSTED, "the body exceeds max_body_bytes (" + maxContentLength() + ")");
            if (HttpUtil.is100ContinueExpected(oversized) && !(oversized instanceof LastHttpContent)) {
                a.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(a).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            closeAfter = !HttpUtil.isKeepAlive(oversized);
            if (closeAfter) {
                a.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            ctx.writeAndFlush(a).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            dropping = true;
            dropped = 0;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            boolean last = msg instanceof LastHttpContent; // read before the aggregator releases it
            boolean wasDropping = dropping;
            if (dropping && msg instanceof HttpContent c) {
                dropped += c.content().readableBytes();
            }
            super.channelRead(ctx, msg); // the aggregator drops a refused body's content itself
            if (dropping && last) { // the refused body ended here (it may end in the piece that went past the limit)
                dropping = false;
                readNext = true;
            }
            if (readNext && closeAfter || wasDropping && dropping && dropped > MAX_DROPPED_BYTES) {
                dropping = false;
                readNext = false;
                ctx.close();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            super.channelReadComplete(ctx);
            if ((dropping || readNext) && ctx.channel().isActive()) {
                readNext = false;
                ctx.read(); // the request handler asks for reads only for requests it was given
            }
        }
    }

    @Override
    public String boundAddress() {
        return listener.boundAddress();
    }

    @Override
    public InputStats stats() {
        return stats;
    }

    @Override
    public void close() {
        listener.close();
    }
}
