package dev.gapless.watchdog.probe;

import dev.gapless.config.FileOutputConfig;
import dev.gapless.config.HostPort;
import dev.gapless.config.HttpOutputConfig;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.TcpOutputConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The watchdog's own probe of an output's destination, from the watchdog's process: if the watchdog
 * reaches what the agent cannot, the fault is the agent's. tcp: a TCP connect to the address;
 * http: a GET of health_url (any HTTP answer counts) or else a TCP connect to the url's host and port;
 * file: the directory exists and is writable. Each probe is bounded by one timeout.
 */
public final class DestinationProbe {

    private final Duration timeout;
    private final HttpClient client;

    public DestinationProbe(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    public DestinationStatus probe(OutputConfig output) {
        if (output instanceof TcpOutputConfig tcp) {
            return connect(tcp.address());
        } else if (output instanceof HttpOutputConfig http) {
            if (http.healthUrl().isPresent()) {
                return get(http.healthUrl().get());
            }
            return connect(hostPortOf(http.url()));
        } else if (output instanceof FileOutputConfig file) {
            return writableDir(file.path().toAbsolutePath().getParent());
        }
        throw new IllegalArgumentException("no destination probe for output type " + output.type());
    }

    static HostPort hostPortOf(URI url) {
        int port = url.getPort();
        if (port < 0) {
            port = "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        }
        String host = url.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostPort(host, port);
    }

    DestinationStatus connect(HostPort hp) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hp.host(), hp.port()), (int) timeout.toMillis());
            return new DestinationStatus(true, "tcp " + hp + " connected");
        } catch (IOException e) {
            return new DestinationStatus(false, "tcp " + hp + ": " + e.getMessage());
        }
    }

    DestinationStatus get(URI url) {
        HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        CompletableFuture<HttpResponse<Void>> f = client.sendAsync(req, HttpResponse.BodyHandlers.discarding());
        try {
            HttpResponse<Void> r = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new DestinationStatus(true, "GET " + url + " answered " + r.statusCode());
        } catch (TimeoutException e) {
            f.cancel(true);
            return new DestinationStatus(false, "GET " + url + ": no answer within " + timeout.toMillis() + "ms");
        } catch (ExecutionException e) {
            return new DestinationStatus(false, "GET " + url + ": " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DestinationStatus(false, "GET " + url + ": interrupted");
        }
    }

    static DestinationStatus writableDir(Path dir) {
        if (dir != null && Files.isDirectory(dir) && Files.isWritable(dir)) {
            return new DestinationStatus(true, "dir " + dir + " writable");
        }
        return new DestinationStatus(false, "dir " + dir + " missing or not writable");
    }
}
