package dev.gapless.config;

import java.time.Duration;
import java.util.Optional;

/**
 * A destination: the record one output's YAML section binds to. Each type's record lives in that type's package
 * with its {@link dev.gapless.config.plugin.OutputType}, and {@link dev.gapless.config.plugin.Registry} lists the
 * types.
 */
public interface OutputConfig {

    /** Unique among outputs; names the output's cursor file, metrics and /health entry. */
    String id();

    /** The YAML {@code type} of this output: its {@link dev.gapless.config.plugin.OutputType#name()}. */
    String type();

    /** How events are written: json_lines (envelope and message, auditable) or line (original bytes). */
    Codec codec();

    /** How many events go in one send, at most. */
    BatchConfig batch();

    /** How failed sends are retried. */
    RetryConfig retry();

    /** How the watchdog checks this output's destination from its own process. */
    Probe probe();

    /**
     * How long one send may take before the output fails it itself, when the output bounds its sends: until then
     * the watchdog treats a send under way as a slow destination, not a wedged agent. Empty: the output sets no
     * bound of its own, and the watchdog's stall_timeout alone applies.
     */
    default Optional<Duration> sendTimeout() {
        return Optional.empty();
    }
}
