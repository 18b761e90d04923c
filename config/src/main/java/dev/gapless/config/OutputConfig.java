package dev.gapless.config;

/**
 * A destination. One record type per YAML {@code type}; the subtypes are listed here and nowhere
 * else, and the agent's component factory maps each to its live output.
 */
public sealed interface OutputConfig permits TcpOutputConfig, HttpOutputConfig, FileOutputConfig {

    /** Unique among outputs; names the output's cursor file, metrics and /health entry. */
    String id();

    /** The YAML {@code type} of this output. */
    String type();

    /** How many events go in one send, at most. */
    BatchConfig batch();

    /** How failed sends are retried. */
    RetryConfig retry();
}
