package dev.gapless.watchdog.probe;

import dev.gapless.config.HostPort;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.Probe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchdog's own probe of an output's destination, from the watchdog's process: if the watchdog
 * reaches what the agent cannot, the fault is the agent's. Which check fits an output is data in its config record
 * ({@link Probe}): a TCP connect (to one address, or to any of several), an HTTP GET with the output's TLS
 * ({@link HttpProbe}: any answer counts), a Kafka metadata request with the output's TLS and SASL
 * ({@link KafkaProbe}), a directory that exists and is writable, or none. Each connect or request is bounded by one
 * timeout. Only the probe thread calls it.
 */
public final class DestinationProbe {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationProbe.class);

    private final Duration timeout;
    private final HttpProbe http;
    private final KafkaProbe kafka;

    public DestinationProbe(Duration timeout) {
        this.timeout = timeout;
        this.http = new HttpProbe(timeout);
        this.kafka = new KafkaProbe(timeout);
    }

    /**
     * Runs the check the output's record names ({@link OutputConfig#probe()}): the watchdog knows the checks, not
     * the output types.
     *
     * @return what the probe saw, or empty when this output's destination has no probe
     */
    public Optional<DestinationStatus> probe(OutputConfig output) {
        Probe p = output.probe();
        if (p instanceof Probe.TcpConnect tcp) {
            return Optional.of(connect(tcp.address()));
        } else if (p instanceof Probe.HttpGet get) {
            return Optional.of(http.get(get.url(), get.tls()));
        } else if (p instanceof Probe.KafkaMetadata metadata) {
            return Optional.of(kafka.describe(metadata));
        } else if (p instanceof Probe.DirWritable dir) {
            return Optional.of(writableDir(dir.dir()));
        }
        return Optional.empty();
    }

    /**
     * Probes the destination of every output that struggles (a backlog, and a failure or a send under way): only
     * those need the second opinion, and each probe is bounded by the timeout. An output whose type has no probe,
     * or whose probe throws, gets no entry (the policy then has no second opinion for it, as for an output that
     * does not struggle), is logged once per output, and never keeps the others from being probed.
     *
     * @param probe  the probe of one output ({@link #probe}, or a test's)
     * @param warned the ids already logged; bounded by the config's outputs
     */
    public static Map<String, DestinationStatus> struggling(AgentHealth health, Map<String, OutputConfig> outputs,
            Function<OutputConfig, Optional<DestinationStatus>> probe, Set<String> warned) {
        Map<String, DestinationStatus> dests = new LinkedHashMap<>();
        health.outputs().forEach((id, out) -> {
            OutputConfig oc = outputs.get(id);
            if (oc == null || out.backlogEvents() == 0
                    || (out.consecutiveFailures() == 0 && out.inFlightSince() == null)) {
                return;
            }
            try {
                Optional<DestinationStatus> seen = probe.apply(oc);
                if (seen.isPresent()) {
                    dests.put(id, seen.get());
                } else if (warned.add(id)) {
                    LOG.warn("output {}: no destination probe for type {}; the watchdog cannot tell its destination "
                            + "being down from the agent being wedged", id, oc.type());
                }
            } catch (RuntimeException e) {
                if (warned.add(id)) {
                    LOG.warn("output {}: its destination probe failed ({}); probing the other outputs goes on", id,
                            e.toString());
                }
            }
        });
        return dests;
    }

    DestinationStatus connect(HostPort hp) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hp.host(), hp.port()), (int) timeout.toMillis());
            return new DestinationStatus(true, "tcp " + hp + " connected");
        } catch (IOException e) {
            return new DestinationStatus(false, "tcp " + hp + ": " + e.getMessage());
        }
    }

    static DestinationStatus writableDir(Path dir) {
        if (dir != null && Files.isDirectory(dir) && Files.isWritable(dir)) {
            return new DestinationStatus(true, "dir " + dir + " writable");
        }
        return new DestinationStatus(false, "dir " + dir + " missing or not writable");
    }
}
