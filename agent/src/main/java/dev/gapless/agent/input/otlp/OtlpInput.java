package dev.gapless.agent.input.otlp;

import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.net.BearerToken;
import dev.gapless.agent.net.HttpListener;
import dev.gapless.config.input.otlp.OtlpInputConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
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
     * Netty's aggregator, which answers 413 (and closes unless the rest can be skipped) for a body past
     * {@code max_body_bytes}; here it also counts the request as one rejected event (its records are unknown).
     */
    private static final class Aggregator extends HttpObjectAggregator {
        private final InputStats stats;

        Aggregator(int maxBody, InputStats stats) {
            super(maxBody, true);
            this.stats = stats;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
            stats.rejected.increment();
            log.warn("input {}: refused a request from {} (413): its body exceeds max_body_bytes ({})", stats.id,
                    ctx.channel().remoteAddress(), maxContentLength());
            super.handleOversizedMessage(ctx, oversized);
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
