package dev.gapless.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.config.tls.ClientTls;
import dev.gapless.config.tls.ServerTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tls:} sections made into Netty contexts, each handshake against a real TLS listener on 127.0.0.1: one
 * that wants a client certificate of the test CA, one that wants none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {

    @TempDir
    static Path dir;

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private TestCertificates certs;
    private Channel mutual;
    private Channel plain;

    @BeforeAll
    void start() throws Exception {
        certs = TestCertificates.in(dir);
        mutual = listen(Tls.server(new ServerTls(certs.serverCert, certs.serverKey, Optional.of(certs.caFile)), "m"));
        plain = listen(Tls.server(new ServerTls(certs.serverCert, certs.serverKey, Optional.empty()), "p"));
    }

    @AfterAll
    void stop() {
        mutual.close().syncUninterruptibly();
        plain.close().syncUninterruptibly();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Channel listen(SslContext ctx) {
        return new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ctx.newHandler(ch.alloc()));
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    /** Connects to {@code server} as 127.0.0.1 and waits for the handshake's end: null when it succeeded. */
    private Throwable handshake(Channel server, ClientTls t) throws Exception {
        SslContext ctx = Tls.client(t, "output test");
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        Channel ch = new Bootstrap().group(loops).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(Tls.clientHandler(ctx, t, c.alloc(), "127.0.0.1", port));
                    }
                }).connect("127.0.0.1", port).syncUninterruptibly().channel();
        try {
            Future<Channel> done = ch.pipeline().get(SslHandler.class).handshakeFuture();
            assertThat(done.await(10, TimeUnit.SECONDS)).as("handshake ended").isTrue();
            if (done.isSuccess()) {
                // TLS 1.3: a server refuses a client certificate after the client's side finished; wait for that
                ch.closeFuture().await(300, TimeUnit.MILLISECONDS);
                return ch.isActive() ? null : new IOException("closed by the server after the handshake");
            }
            return done.cause();
        } finally {
            ch.close().syncUninterruptibly();
        }
    }

    private ClientTls tls(Optional<Path> ca, boolean withCertificate, boolean verify, Optional<String> name) {
        return new ClientTls(ca, withCertificate ? Optional.of(certs.clientCert) : Optional.empty(),
                withCertificate ? Optional.of(certs.clientKey) : Optional.empty(), verify, name);
    }

    @Test
    void aClientWithTheCaAndItsCertificateIsServedByAListenerThatWantsOne() throws Exception {
        assertThat(handshake(mutual, tls(Optional.of(certs.caFile), true, true, Optional.empty()))).isNull();
        assertThat(handshake(mutual, tls(Optional.of(certs.caFile), false, true, Optional.empty()))).isNotNull();
    }

    @Test
    void theServerIsCheckedAgainstTheJvmsTrustStoreWhenNoCaIsGiven() throws Exception {
        assertThat(handshake(plain, ClientTls.DEFAULT)).isNotNull()
                .satisfies(e -> assertThat(e).hasStackTraceContaining("certification path"));
    }

    @Test
    void theNameCheckedIsServerNameWhenSet() throws Exception {
        assertThat(handshake(plain, tls(Optional.of(certs.caFile), false, true, Optional.of("localhost")))).isNull();
        assertThat(handshake(plain, tls(Optional.of(certs.caFile), false, true, Optional.of("logs.example.com"))))
                .isNotNull().satisfies(e -> assertThat(e).hasStackTraceContaining("logs.example.com"));
    }

    @Test
    void verifyFalseAcceptsAnUnknownServer() throws Exception {
        assertThat(handshake(plain, tls(Optional.empty(), false, false, Optional.of("logs.example.com")))).isNull();
    }

    @Test
    void aFileThatCannotBeReadIsNamed() {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> Tls.client(tls(Optional.of(missing), false, true, Optional.empty()), "output x"))
                .isInstanceOf(IOException.class).hasMessageContaining("output x").hasMessageContaining(
                        missing.toString());
        assertThatThrownBy(() -> Tls.server(new ServerTls(missing, certs.serverKey, Optional.empty()), "input y"))
                .isInstanceOf(IOException.class).hasMessageContaining("input y").hasMessageContaining(
                        missing.toString());
    }
}
