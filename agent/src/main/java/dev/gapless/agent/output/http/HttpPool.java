package dev.gapless.agent.output.http;

import dev.gapless.agent.net.Tls;
import dev.gapless.agent.output.Outcome;
import dev.gapless.config.tls.ClientTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Up to {@code size} kept-alive HTTP/1.1 (or HTTPS) connections to one server, each carrying one request at a time
 * (no pipelining): the client half of the outputs that speak HTTP. A request takes an idle connection, or opens one
 * while fewer than {@code size} are open; a connection that broke, timed out or that the server closed is dropped,
 * and its place is opened again when a request needs it; idle connections are kept for the next request. An exchange
 * ends with the server's full answer, or with a retryable failure (not reached, connection lost, no answer in time);
 * it always ends, within its request's timeout of being asked.
 *
 * <p>The answer timeout is a {@link ReadTimeoutHandler} in a connection's pipeline only while a request is
 * outstanding on it: added when the request is written, with the time the request has left, removed when its answer
 * is complete (a failed request closes the connection, which stops it), so a kept-alive connection idle between
 * requests has no timer. It sits after the {@link HttpObjectAggregator}, where the only read is a complete response:
 * a server trickling bytes of an answer cannot hold a request open past the timeout. Answers longer than
 * {@code maxResponseBytes} fail the exchange.
 */
public final class HttpPool implements AutoCloseable {

    /**
     * Requests waiting for a connection while all {@code size} are busy. The N+1th request waits rather than being
     * refused: the output worker has at most {@code max_in_flight} (= {@code size}) sends in flight and a send has
     * one request outstanding at a time, so a request waits only when more callers share the pool than it has
     * connections, and refusing would turn that short wait into a failed attempt and a backoff. A waiting request
     * fails as a TIMEOUT once its own timeout has passed; past this many waiting, a request is refused at once
     * (retryable), so the queue never grows without bound.
     */
    static final int MAX_WAITING = 64;
    /** Pipeline names: the per-request answer timeout goes in front of the response handler. */
    static final String ANSWER_TIMEOUT = "answerTimeout";
    private static final String RESPONSE = "response";

    /** A server's full answer. */
    public record Answer(int status, HttpHeaders headers, byte[] body) {
    }

    /** What an exchange came to: an answer, or the failure to get one (always retryable). */
    public record Result(Answer answer, Outcome.Retryable failure) {
    }

    /**
     * One request: its body is wrapped, not copied, and must not change until the exchange ends; {@code timeout}
     * bounds the exchange from the moment it is asked for (waiting for a connection and connecting included).
     */
    public record Request(HttpMethod method, String pathAndQuery, HttpHeaders headers, byte[] body, int offset,
            int length, Duration timeout) {
    }

    private final URI url;
    private final String host;
    private final int port;
    private final int size;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;

    // All guarded by this. Connections open or being opened: never more than size.
    private int open;
    // Connected connections no request holds, the most recently used first.
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    // Requests waiting for a connection, oldest first; at most MAX_WAITING.
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    // Every connected connection, idle or busy, for close().
    private final Set<Channel> channels = new HashSet<>();
    private boolean closed;

    /**
     * @param url              the server (scheme, host, port); requests name their own path
     * @param tls              how https is spoken, or empty for plain http
     * @param connectTimeout   bounds a connect (at most 30 s)
     * @param maxResponseBytes answers larger than this fail the exchange (retryable)
     * @param size             the most connections open at once, 1 or more
     * @param who              names the output in TLS file errors
     * @throws IOException when the TLS files cannot be read
     */
    public HttpPool(URI url, Optional<ClientTls> tls, Duration connectTimeout, int maxResponseBytes, int size,
            EventLoopGroup group, String who) throws IOException {
        if (size < 1) {
            throw new IllegalArgumentException("an HTTP pool needs at least one connection, not " + size);
        }
        this.url = url;
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : (tls.isPresent() ? 443 : 80);
        this.size = size;
        this.group = group;
        SslContext ssl = tls.isPresent() ? Tls.client(tls.get(), who) : null;
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(connectTimeout.toMillis(), 30_000))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(Tls.clientHandler(ssl, tls.get(), ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(maxResponseBytes))
                                .addLast(RESPONSE, new ResponseHandler());
                    }
                });
    }

    /** The {@code Host} header's value for this server. */
    public String hostHeader() {
        return port == 80 || port == 443 ? host : host + ":" + port;
    }

    /** The most connections this pool opens at once. */
    public int size() {
        return size;
    }

    /** Sends the request and completes with the answer or the failure; never exceptionally. */
    public CompletionStage<Result> exchange(Request request) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        dispatch(new Exchange(request, result, System.nanoTime() + request.timeout().toNanos()));
        return result;
    }

    /** Gives the exchange an idle connection, a new one, or a place among the waiting; or refuses it. */
    private void dispatch(Exchange e) {
        Channel ch = null;
        boolean connect = false;
        String refused = null;
        synchronized (this) {
            if (closed) {
                refused = "connection pool to " + url + " closed";
            } else {
                // An idle connection the server closed leaves through its close listener; skip it here.
                do {
                    ch = idle.pollFirst();
                } while (ch != null && !ch.isActive());
                if (ch == null && open < size) {
                    open++;
                    connect = true;
                } else if (ch == null && waiting.size() < MAX_WAITING) {
                    long left = e.deadline - System.nanoTime();
                    if (left > 0) {
                        try {
                            e.waitTimer = group.schedule(() -> waitedTooLong(e), left, TimeUnit.NANOSECONDS);
                            waiting.addLast(e);
                            return;
                        } catch (RuntimeException shutDown) { // the event loops are shutting down
                            refused = "connection pool to " + url + " shutting down: " + shutDown;
                        }
                    } else {
                        refused = "";
                    }
                } else if (ch == null) {
                    refused = "all " + size + " connections to " + url + " busy and " + MAX_WAITING
                            + " requests already waiting";
                }
            }
        }
        if (connect) {
            connect(e);
        } else if (ch != null) {
            write(ch, e, true);
        } else if (refused.isEmpty()) {
            timedOut(e);
        } else {
            e.fail(Outcome.ErrorKind.INTERNAL, refused);
        }
    }

    private void waitedTooLong(Exchange e) {
        boolean removed;
        synchronized (this) {
            removed = waiting.remove(e);
        }
        if (removed) {
            timedOut(e);
        }
    }

    private void timedOut(Exchange e) {
        e.fail(Outcome.ErrorKind.TIMEOUT, "no answer from " + url + " within " + e.request.timeout().toMillis()
                + " ms (no connection of " + size + " free in time)");
    }

    private void connect(Exchange e) {
        ChannelFuture connect = bootstrap.connect(host, port);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                placeFreed(null);
                e.fail(Outcome.ErrorKind.UNREACHABLE,
                        "connect to " + host + ":" + port + " failed: " + f.cause().getMessage());
                return;
            }
            Channel ch = connect.channel();
            boolean keep;
            synchronized (this) {
                keep = !closed;
                if (keep) {
                    channels.add(ch);
                }
            }
            if (!keep) {
                ch.close();
                placeFreed(null);
                e.fail(Outcome.ErrorKind.UNREACHABLE, "connection pool to " + url + " closed");
                return;
            }
            // Exactly once per connected channel, whatever closed it: its place is free again.
            ch.closeFuture().addListener(c -> placeFreed(ch));
            write(ch, e, false);
        });
    }

    /** A connection closed (or a connect failed): its place goes to the oldest waiting request, on a new one. */
    private void placeFreed(Channel ch) {
        Exchange next = null;
        synchronized (this) {
            if (ch != null) {
                channels.remove(ch);
                idle.remove(ch);
            }
            open--;
            if (!closed && !waiting.isEmpty()) {
                next = waiting.pollFirst();
                open++;
            }
        }
        if (next != null) {
            next.waitTimer.cancel(false);
            connect(next);
        }
    }

    /** A connection answered and stays open: the oldest waiting request takes it, or it waits idle. */
    private void release(Channel ch) {
        Exchange next = null;
        synchronized (this) {
            if (!closed) {
                next = waiting.pollFirst();
                if (next == null) {
                    idle.addFirst(ch);
                }
            }
        }
        if (next != null) {
            next.waitTimer.cancel(false);
            write(ch, next, true);
        } else if (closed) {
            ch.close();
        }
    }

    private void write(Channel ch, Exchange exchange, boolean reused) {
        ResponseHandler handler = ch.pipeline().get(ResponseHandler.class);
        if (handler == null) { // closed meanwhile and torn down
            ch.eventLoop().execute(() -> failed(ch, null, exchange, "connection to " + url + " closed"));
            return;
        }
        Request r = exchange.request;
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, r.method(), r.pathAndQuery(),
                Unpooled.wrappedBuffer(r.body(), r.offset(), r.length()));
        req.headers().set(HttpHeaderNames.HOST, hostHeader());
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        req.headers().add(r.headers());
        HttpUtil.setContentLength(req, r.length());
        ch.eventLoop().execute(() -> {
            exchange.reused = reused;
            if (!ch.isActive()) { // closed since: the handler saw no request, so nothing else fails this one
                req.release();
                failed(ch, null, exchange, "connection to " + url + " closed");
                return;
            }
            long left = exchange.deadline - System.nanoTime();
            if (left <= 0) { // the wait and the connect took all of its time: the connection stays usable
                req.release();
                release(ch);
                timedOut(exchange);
                return;
            }
            handler.exchange = exchange;
            // Before the write, so that the timer also runs while a large body is still being sent.
            ch.pipeline().addBefore(RESPONSE, ANSWER_TIMEOUT, new ReadTimeoutHandler(left, TimeUnit.NANOSECONDS));
            ch.writeAndFlush(req).addListener(f -> {
                if (!f.isSuccess()) {
                    ch.close();
                    failed(ch, handler, exchange, "sending to " + url + " failed: " + f.cause().getMessage());
                }
            });
        });
    }

    /** Stops the answer timeout of the request that was outstanding on {@code ch}, if it runs. */
    private static void stopAnswerTimeout(Channel ch) {
        assert ch.eventLoop().inEventLoop();
        if (ch.pipeline().get(ANSWER_TIMEOUT) != null) {
            ch.pipeline().remove(ANSWER_TIMEOUT);
        }
    }

    /** Whether an answer timeout runs on any open connection now (tests: none between requests). */
    boolean answerTimeoutArmed() throws Exception {
        List<Channel> all;
        synchronized (this) {
            all = new ArrayList<>(channels);
        }
        for (Channel ch : all) {
            if (ch.eventLoop().submit(() -> ch.pipeline().get(ANSWER_TIMEOUT) != null).get()) {
                return true;
            }
        }
        return false;
    }

    /** Connections open or being opened now (tests: never more than {@link #size()}). */
    synchronized int openConnections() {
        return open;
    }

    /** Connections open and idle now (tests). */
    synchronized int idleConnections() {
        return idle.size();
    }

    /** Requests waiting for a connection now (tests). */
    synchronized int waitingRequests() {
        return waiting.size();
    }

    /**
     * A request failed before any answer. On a kept-alive connection the server may simply have closed it while
     * idle: the request goes once more, on another connection (at most once per exchange, so this cannot loop).
     * Runs on the connection's event loop.
     */
    private void failed(Channel ch, ResponseHandler handler, Exchange exchange, String why) {
        assert ch.eventLoop().inEventLoop();
        if (handler != null) {
            if (handler.exchange != exchange) {
                return; // answered, or already failed
            }
            handler.exchange = null;
        }
        if (exchange.result.isDone()) {
            return;
        }
        if (exchange.reused && !exchange.resent) {
            exchange.resent = true;
            dispatch(exchange);
        } else {
            exchange.fail(Outcome.ErrorKind.UNREACHABLE, why);
        }
    }

    /** One request, from asked to answered, over one connection at a time. */
    private static final class Exchange {
        final Request request;
        final CompletableFuture<Result> result;
        /** {@link System#nanoTime()} by which the exchange ends. */
        final long deadline;
        /** Sent on a connection an earlier exchange opened (which the server may have closed meanwhile). */
        volatile boolean reused;
        /** Already sent once more after a failure on a kept-alive connection. */
        volatile boolean resent;
        /** Fails the exchange when it waited for a connection until its deadline; set under the pool's lock. */
        ScheduledFuture<?> waitTimer;

        Exchange(Request request, CompletableFuture<Result> result, long deadline) {
            this.request = request;
            this.result = result;
            this.deadline = deadline;
        }

        void fail(Outcome.ErrorKind kind, String why) {
            result.complete(new Result(null, new Outcome.Retryable(kind, why, null)));
        }
    }

    /** One per connection: completes the exchange in flight on it, and only that one. */
    private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        // The exchange outstanding on this connection, or null; only the connection's event loop.
        Exchange exchange;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            assert ctx.executor().inEventLoop();
            Exchange e = exchange;
            exchange = null;
            stopAnswerTimeout(ctx.channel());
            if (e == null) {
                return; // an answer nobody asked for: ignored
            }
            byte[] body = new byte[res.content().readableBytes()];
            res.content().getBytes(res.content().readerIndex(), body);
            // The connection goes back before the exchange completes, so the request its caller sends next finds
            // it free.
            if (HttpUtil.isKeepAlive(res)) {
                release(ctx.channel());
            } else {
                ctx.close();
            }
            e.result.complete(new Result(new Answer(res.status().code(), res.headers().copy(), body), null));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            assert ctx.executor().inEventLoop();
            Exchange e = exchange;
            if (e != null) {
                failed(ctx.channel(), this, e, "connection to " + url + " closed before an answer");
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            assert ctx.executor().inEventLoop();
            Exchange e = exchange;
            exchange = null;
            ctx.close();
            if (e != null) {
                if (cause instanceof ReadTimeoutException) {
                    e.fail(Outcome.ErrorKind.TIMEOUT, "no answer from " + url + " within "
                            + e.request.timeout().toMillis() + " ms");
                } else {
                    e.fail(Outcome.ErrorKind.UNREACHABLE, "exchange with " + url + " failed: " + cause);
                }
            }
        }
    }

    /** Closes every connection; requests waiting or in flight end as failures (retryable). */
    @Override
    public void close() {
        List<Channel> all;
        List<Exchange> waiters;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(channels);
            waiters = new ArrayList<>(waiting);
            waiting.clear();
            idle.clear();
        }
        for (Exchange e : waiters) {
            e.waitTimer.cancel(false);
            e.fail(Outcome.ErrorKind.UNREACHABLE, "connection pool to " + url + " closed");
        }
        List<ChannelFuture> closing = new ArrayList<>();
        for (Channel ch : all) {
            closing.add(ch.close());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (ChannelFuture f : closing) {
            f.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }
}
