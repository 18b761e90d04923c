package dev.gapless.agent.net;

import dev.gapless.config.tls.ClientTls;
import dev.gapless.config.tls.ServerTls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Netty TLS contexts from the {@code tls:} sections, one way for every listener and every client. */
public final class Tls {

    private static final Logger log = LoggerFactory.getLogger(Tls.class);

    private Tls() {
    }

    /**
     * A client context that checks the server's chain (against {@code ca_file}, else the JVM's trust store) and its
     * name, unless {@code verify: false}.
     *
     * @param who names the output in errors and in the warning about {@code verify: false}
     * @throws IOException naming the files when one cannot be read or is not PEM
     */
    public static SslContext client(ClientTls t, String who) throws IOException {
        try {
            SslContextBuilder b = SslContextBuilder.forClient();
            if (t.verify()) {
                b.endpointIdentificationAlgorithm("HTTPS");
                if (t.caFile().isPresent()) {
                    b.trustManager(t.caFile().get().toFile());
                }
            } else {
                log.warn("{}: tls.verify is false: the server's certificate is not checked, so anyone on the path "
                        + "can read and change what is sent", who);
                b.endpointIdentificationAlgorithm(null).trustManager(InsecureTrustManagerFactory.INSTANCE);
            }
            if (t.certFile().isPresent()) {
                b.keyManager(t.certFile().get().toFile(), t.keyFile().orElseThrow().toFile());
            }
            return b.build();
        } catch (IOException | RuntimeException e) {
            throw new IOException(who + ": cannot set up TLS from " + files(t) + ": " + e.getMessage(), e);
        }
    }

    /** The handler for one connection to {@code host:port}: SNI and the name checked are {@code server_name}'s. */
    public static SslHandler clientHandler(SslContext ctx, ClientTls t, ByteBufAllocator alloc, String host,
            int port) {
        return ctx.newHandler(alloc, t.serverName().orElse(host), port);
    }

    /**
     * A listener's context; with {@code ca_file}, clients must present a certificate leading to it.
     *
     * @throws IOException naming the files when one cannot be read or is not PEM
     */
    public static SslContext server(ServerTls t, String who) throws IOException {
        try {
            SslContextBuilder b = SslContextBuilder.forServer(t.certFile().toFile(), t.keyFile().toFile());
            if (t.caFile().isPresent()) {
                b.trustManager(t.caFile().get().toFile()).clientAuth(ClientAuth.REQUIRE);
            }
            return b.build();
        } catch (IOException | RuntimeException e) {
            throw new IOException(who + ": cannot load the TLS files (" + t.certFile() + ", " + t.keyFile()
                    + t.caFile().map(p -> ", " + p).orElse("") + "): " + e.getMessage(), e);
        }
    }

    private static String files(ClientTls t) {
        StringBuilder s = new StringBuilder();
        t.caFile().ifPresent(p -> s.append("ca_file ").append(p).append(' '));
        t.certFile().ifPresent(p -> s.append("cert_file ").append(p).append(' '));
        t.keyFile().ifPresent(p -> s.append("key_file ").append(p).append(' '));
        return s.length() == 0 ? "the JVM's trust store" : s.toString().trim();
    }
}
