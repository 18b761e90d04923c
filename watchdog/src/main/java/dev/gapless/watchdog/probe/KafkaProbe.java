package dev.gapless.watchdog.probe;

import dev.gapless.config.HostPort;
import dev.gapless.config.Probe;
import dev.gapless.config.output.kafka.KafkaSecurity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * A Kafka cluster's metadata (its brokers), asked with Kafka's own admin client through the bootstrap servers, with
 * the output's TLS and SASL ({@link KafkaSecurity}, the mapping the agent's producer uses). Reachable: the cluster
 * answered, the brokers it lists or a refusal of this login (SASL authentication, authorization), which is the
 * cluster answering too, and what the agent sees as a refusal. Not reachable: no answer within the timeout, or a
 * failed TLS handshake (with the output's own TLS settings: the agent's fails as well). A fresh client per probe,
 * closed after it: the watchdog holds no connection to the cluster between probes.
 */
final class KafkaProbe {

    /** The client's name in the brokers' logs and quotas. */
    static final String CLIENT_ID = "gapless-watchdog";

    private final Duration timeout;

    KafkaProbe(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Asks the cluster for its brokers; bounded by the timeout (and the client's close, which has nothing left to
     * wait for by then).
     *
     * @throws UncheckedIOException when the password or certificate files cannot be read: no verdict then
     * @throws KafkaException       when the client cannot be built from the settings (a CA file that is not PEM)
     */
    DestinationStatus describe(Probe.KafkaMetadata k) {
        KafkaSecurity.Secrets secrets;
        try {
            secrets = KafkaSecurity.Secrets.load(k.tls(), k.sasl());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String servers = k.bootstrapServers().stream().map(HostPort::toString).collect(Collectors.joining(","));
        int ms = (int) timeout.toMillis();
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, (long) ms);
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, (long) ms);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50L);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200L);
        // KIP-714: clients push their metrics to the cluster by default; the watchdog's stay with it.
        p.put(AdminClientConfig.ENABLE_METRICS_PUSH_CONFIG, false);
        KafkaSecurity.properties(k.tls(), k.sasl(), secrets).forEach((key, v) ->
                p.put(key, KafkaSecurity.SECRET_PROPERTIES.contains(key) ? new Password(v) : v));
        Admin admin = Admin.create(p);
        try {
            DescribeClusterResult r = admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms));
            Collection<Node> nodes = r.nodes().get(ms, TimeUnit.MILLISECONDS);
            return new DestinationStatus(true, "kafka " + servers + " answered: " + nodes.size() + " broker(s), "
                    + nodes.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(", ")));
        } catch (ExecutionException e) {
            return verdict(servers, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            return new DestinationStatus(false, "kafka " + servers + ": no answer within " + ms + "ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DestinationStatus(false, "kafka " + servers + ": interrupted");
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static DestinationStatus verdict(String servers, Throwable cause) {
        if (cause instanceof SslAuthenticationException) {
            return new DestinationStatus(false, "kafka " + servers + ": TLS handshake failed with the output's tls "
                    + "settings: " + cause.getMessage());
        }
        if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
            return new DestinationStatus(true, "kafka " + servers + " answered, refusing this login: "
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new DestinationStatus(false, "kafka " + servers + ": no answer within the timeout ("
                    + cause.getMessage() + ")");
        }
        return new DestinationStatus(false, "kafka " + servers + ": " + cause);
    }
}
