package dev.gapless.agent.input.http;

import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.net.BearerToken;
import dev.gapless.agent.net.HttpListener;
import dev.gapless.config.input.http.HttpInputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events POSTed over HTTP/1.1 (keep-alive, optionally TLS or mTLS, optionally a bearer token). The
 * {@link HttpListener} gives each connection TLS, an idle timer and {@link HttpServerCodec}; its
 * {@link RequestHandler} (reading is manual: it asks for more only once a request is answered) gathers, checks and
 * offers each request's events to the {@link IngestPort} as one batch. At {@code max_connections} a new connection
 * is closed on accept (counted); the heap a connection holds is bounded by {@code max_body_bytes} while its body
 * arrives, plus {@code max_decompressed_bytes} and the parsed batch while its event loop parses it.
 */
public final class HttpInput implements Input {

    private static final Logger log = LoggerFactory.getLogger(HttpInput.class);

    /** What every connection's handler needs, resolved at start (the token read from its file or variable). */
    record Settings(String path, int maxBodyBytes, int maxDecompressedBytes, int maxEventBytes, String messageKey,
                    BearerToken token) {
    }

    private final HttpInputConfig config;
    private final IngestPort port;
    private final Clock clock;
    private final InputStats stats;
    private final HttpListener listener;

    public HttpInput(HttpInputConfig config, IngestPort port, EventLoopGroup boss, EventLoopGroup workers,
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
        Settings settings = new Settings(config.path(), (int) config.maxBodyBytes().bytes(),
                (int) config.maxDecompressedBytes().bytes(),
                (int) Math.min(Integer.MAX_VALUE - 16, config.maxEventBytes().bytes()), config.messageKey(),
                listener.load());
        listener.bind(p -> p.addLast(new RequestHandler(settings, port, stats, clock)));
        log.info("input {} listening on {} at path {}", config.id(), listener.describe(), config.path());
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
