package dev.gapless.config.load.internal;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.FileOutputConfig;
import dev.gapless.config.HostPort;
import dev.gapless.config.HttpOutputConfig;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.TcpOutputConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Binds the {@code outputs} list, one record per {@code type}, ids unique; batch and retry are common to all. */
final class OutputBinder {

    private static final List<String> TYPES =
            List.of(TcpOutputConfig.TYPE, HttpOutputConfig.TYPE, FileOutputConfig.TYPE);

    private final Values values;
    private final Problems problems;

    OutputBinder(Values values, Problems problems) {
        this.values = values;
        this.problems = problems;
    }

    List<OutputConfig> bind(List<Node> items) {
        List<OutputConfig> outputs = new ArrayList<>();
        UniqueIds ids = new UniqueIds("output", problems);
        for (Node item : items) {
            Section.ofItem(item, problems, "an output: a mapping with type, id and its settings")
                    .map(s -> output(s, ids))
                    .ifPresent(outputs::add);
        }
        return outputs;
    }

    /** The output, or null when it has an error (reported). */
    private OutputConfig output(Section s, UniqueIds ids) {
        String type = s.required("type", values.oneOf(TYPES, "output type"));
        String id = s.required("id", values::id);
        ids.add(id, s.node("id"));
        BatchConfig batch = batch(s.section("batch", "a mapping with max_events, max_bytes, max_wait"));
        RetryConfig retry = retry(s.section("retry", "a mapping with initial_backoff, max_backoff"));
        if (type == null) {
            return null; // its keys cannot be checked without knowing its type
        }
        Common common = new Common(id, s.get("codec", values.oneOf(Codec.class), null), batch, retry);
        OutputConfig output = switch (type) {
            case TcpOutputConfig.TYPE -> tcp(s, common);
            case HttpOutputConfig.TYPE -> http(s, common);
            default -> file(s, common);
        };
        s.done();
        return output;
    }

    /** What every output type has; a null codec means the type's default. */
    private record Common(String id, Codec codec, BatchConfig batch, RetryConfig retry) {
        Codec codecOr(Codec fallback) {
            return codec == null ? fallback : codec;
        }
    }

    private TcpOutputConfig tcp(Section s, Common c) {
        HostPort address = s.required("address", values::connectAddress);
        Duration connectTimeout = s.get("connect_timeout", values::positiveDuration,
                TcpOutputConfig.DEFAULT_CONNECT_TIMEOUT);
        if (c.id() == null || address == null) {
            return null;
        }
        return new TcpOutputConfig(c.id(), address, c.codecOr(TcpOutputConfig.DEFAULT_CODEC), connectTimeout,
                c.batch(), c.retry());
    }

    private HttpOutputConfig http(Section s, Common c) {
        URI url = s.required("url", values::httpUrl);
        Duration timeout = s.get("timeout", values::positiveDuration, HttpOutputConfig.DEFAULT_TIMEOUT);
        Map<String, String> headers = s.get("headers", values::headers, Map.of());
        Optional<URI> healthUrl = s.optional("health_url", values::httpUrl);
        if (c.id() == null || url == null) {
            return null;
        }
        return new HttpOutputConfig(c.id(), url, c.codecOr(HttpOutputConfig.DEFAULT_CODEC), timeout, headers,
                healthUrl, c.batch(), c.retry());
    }

    private FileOutputConfig file(Section s, Common c) {
        Path path = s.required("path", values::path);
        var rollSize = s.get("roll_size", values::positiveSize, FileOutputConfig.DEFAULT_ROLL_SIZE);
        int maxFiles = s.get("max_files", values.integer(0, Integer.MAX_VALUE), FileOutputConfig.DEFAULT_MAX_FILES);
        if (c.id() == null || path == null) {
            return null;
        }
        return new FileOutputConfig(c.id(), path, c.codecOr(FileOutputConfig.DEFAULT_CODEC), rollSize, maxFiles,
                c.batch(), c.retry());
    }

    private BatchConfig batch(Section s) {
        BatchConfig d = BatchConfig.DEFAULT;
        BatchConfig batch = new BatchConfig(
                s.get("max_events", values.integer(1, Integer.MAX_VALUE), d.maxEvents()),
                s.get("max_bytes", values::positiveSize, d.maxBytes()),
                s.get("max_wait", values::duration, d.maxWait()));
        s.done();
        return batch;
    }

    private RetryConfig retry(Section s) {
        RetryConfig d = RetryConfig.DEFAULT;
        RetryConfig retry = new RetryConfig(
                s.get("initial_backoff", values::positiveDuration, d.initialBackoff()),
                s.get("max_backoff", values::positiveDuration, d.maxBackoff()));
        s.done();
        if (retry.maxBackoff().compareTo(retry.initialBackoff()) < 0) {
            Node at = s.node("max_backoff").or(() -> s.node("initial_backoff")).orElse(s.mapping());
            problems.add(at, "max_backoff must be at least initial_backoff");
        }
        return retry;
    }
}
