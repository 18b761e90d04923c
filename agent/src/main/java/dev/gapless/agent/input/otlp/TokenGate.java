package dev.gapless.agent.input.otlp;

import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.net.BearerToken;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the bearer token on a request's head, before the aggregator gathers its body: a request without it (or with
 * another) is answered 401 with an OTLP {@code Status} and the connection closed after the answer, so a client
 * without the token never makes the agent hold {@code max_body_bytes}, and one that waits for {@code 100 Continue}
 * never sends its body at all. What was already decoded of the refused body is dropped. Counted as one rejected
 * event (its records are unknown). Per connection; only where {@code auth:} is set.
 */
final class TokenGate extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TokenGate.class);

    private final BearerToken token;
    private final InputStats stats;
    // A request was refused: everything after it on this connection is dropped until the close.
    private boolean refused;

    TokenGate(BearerToken token, InputStats stats) {
        this.token = token;
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest r && !token.accepts(r.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            refused = true;
            boolean protobuf = Answers.mediaType(r.headers().get(HttpHeaderNames.CONTENT_TYPE))
                    .equals(Answers.PROTOBUF);
            ReferenceCountUtil.release(msg);
            stats.rejected.increment();
            log.warn("input {}: refused a request from {} (401): a valid bearer token is required", stats.id,
                    ctx.channel().remoteAddress());
            // 401 is not retryable in OTLP/HTTP: an exporter without the token drops its batch, and says so
            FullHttpResponse a = Answers.failure(protobuf, HttpResponseStatus.UNAUTHORIZED, Answers.UNAUTHENTICATED,
                    "a valid bearer token is required");
            a.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            a.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(a).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
