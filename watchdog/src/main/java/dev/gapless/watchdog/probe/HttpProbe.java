package dev.gapless.watchdog.probe;

import dev.gapless.config.tls.ClientTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP GET of a destination: any answer, whatever its status, means reachable (a 401 or a 503 is the
 * destination answering); no answer within the timeout, a refused connection or a failed TLS handshake means not.
 * An {@code https://} URL is spoken to with the output's own {@code tls:} section, so a handshake that fails here
 * fails for the agent too. No credentials are ever sent.
 */
final class HttpProbe {

    private static final Logger LOG = LoggerFactory.getLogger(HttpProbe.class);

    private final Duration timeout;
    private final HttpClient plain;
    /**
     * One client per distinct {@code tls:} section, built again when one of its files changed (a renewed
     * certificate). Bounded by the config's outputs; only the probe thread.
     */
    private final Map<ClientTls, Secured> secured = new HashMap<>();

    private record Secured(List<Object> stamp, HttpClient client) {
    }

    HttpProbe(Duration timeout) {
        this.timeout = timeout;
        this.plain = builder().build();
    }

    private HttpClient.Builder builder() {
        return HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1);
    }

    /**
     * GETs {@code url}, over https with {@code tls} (the JVM's trust store when empty).
     *
     * @throws UncheckedIOException when the TLS files cannot be read: the probe has no verdict then
     */
    DestinationStatus get(URI url, Optional<ClientTls> tls) {
        HttpClient client = "https".equalsIgnoreCase(url.getScheme()) ? client(tls.orElse(ClientTls.DEFAULT)) : plain;
        HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        CompletableFuture<HttpResponse<Void>> f = client.sendAsync(req, HttpResponse.BodyHandlers.discarding());
        try {
            HttpResponse<Void> r = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new DestinationStatus(true, "GET " + url + " answered " + r.statusCode());
        } catch (TimeoutException e) {
            f.cancel(true);
            return new DestinationStatus(false, "GET " + url + ": no answer within " + timeout.toMillis() + "ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
                return new DestinationStatus(false, "GET " + url + ": TLS handshake failed with the output's tls "
                        + "settings: " + cause.getMessage());
            }
            return new DestinationStatus(false, "GET " + url + ": " + cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DestinationStatus(false, "GET " + url + ": interrupted");
        }
    }

    private HttpClient client(ClientTls tls) {
        List<Object> stamp = stamp(tls);
        Secured s = secured.get(tls);
        if (s != null && s.stamp().equals(stamp)) {
            return s.client();
        }
        try {
            SSLContext ctx = PemTls.context(tls);
            SSLParameters params = ctx.getDefaultSSLParameters();
            tls.serverName().ifPresent(n -> params.setServerNames(List.of(new SNIHostName(n))));
            HttpClient client = builder().sslContext(ctx).sslParameters(params).build();
            if (!tls.verify()) {
                LOG.warn("a destination probe has tls.verify false: the server's certificate is not checked");
            }
            secured.put(tls, new Secured(stamp, client));
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files' modification times: a changed one makes a new context. */
    private static List<Object> stamp(ClientTls tls) {
        List<Object> stamp = new ArrayList<>();
        for (Optional<Path> p : List.of(tls.caFile(), tls.certFile(), tls.keyFile())) {
            if (p.isPresent()) {
                try {
                    stamp.add(Files.getLastModifiedTime(p.get()));
                } catch (IOException e) {
                    stamp.add(e.getClass().getName());
                }
            }
        }
        return stamp;
    }
}
