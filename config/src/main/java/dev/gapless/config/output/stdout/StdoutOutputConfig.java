package dev.gapless.config.output.stdout;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.RetryConfig;
import java.util.Objects;

/**
 * Events written to the agent's standard output; delivered = written and flushed to it. Under systemd that is the
 * unit's journal, under the watchdog the agent's output log. For seeing what the agent sends, and for pipelines
 * that read the agent's output.
 *
 * @param codec json_lines (envelope and message) or line (original bytes)
 */
public record StdoutOutputConfig(String id, Codec codec, BatchConfig batch, RetryConfig retry)
        implements OutputConfig {

    public static final Codec DEFAULT_CODEC = Codec.JSON_LINES;

    public StdoutOutputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(retry, "retry");
    }

    @Override
    public String type() {
        return StdoutOutputType.NAME;
    }

    /** A process's standard output cannot be checked from another process. */
    @Override
    public Probe probe() {
        return new Probe.None();
    }
}
