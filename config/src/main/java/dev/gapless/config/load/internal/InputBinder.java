package dev.gapless.config.load.internal;

import dev.gapless.config.ByteSize;
import dev.gapless.config.FileInputConfig;
import dev.gapless.config.HostPort;
import dev.gapless.config.InputConfig;
import dev.gapless.config.TcpInputConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Binds the {@code inputs} list, one record per {@code type}, ids unique. */
final class InputBinder {

    private static final List<String> TYPES = List.of(TcpInputConfig.TYPE, FileInputConfig.TYPE);
    /** The {@code source} of the agent's own heartbeats and loss markers (docs/architecture.md). */
    private static final String AGENT_SOURCE = "_agent";

    private final Values values;
    private final Problems problems;
    private final Listeners listeners;

    InputBinder(Values values, Problems problems, Listeners listeners) {
        this.values = values;
        this.problems = problems;
        this.listeners = listeners;
    }

    List<InputConfig> bind(List<Node> items) {
        List<InputConfig> inputs = new ArrayList<>();
        UniqueIds ids = new UniqueIds("input", problems);
        for (Node item : items) {
            Section.ofItem(item, problems, "an input: a mapping with type, id and its settings")
                    .map(s -> input(s, ids))
                    .ifPresent(inputs::add);
        }
        return inputs;
    }

    /** The input, or null when it has an error (reported). */
    private InputConfig input(Section s, UniqueIds ids) {
        String type = s.required("type", values.oneOf(TYPES, "input type"));
        String id = s.required("id", values::id);
        ids.add(id, s.node("id"));
        if (AGENT_SOURCE.equals(id)) {
            problems.add(s.node("id").orElseThrow(), "the id '" + AGENT_SOURCE
                    + "' is reserved: it is the source of the agent's own heartbeats and loss markers");
        }
        if (type == null) {
            return null; // its keys cannot be checked without knowing its type
        }
        InputConfig input = type.equals(TcpInputConfig.TYPE) ? tcp(s, id) : file(s, id);
        s.done();
        return input;
    }

    private TcpInputConfig tcp(Section s, String id) {
        HostPort listen = s.required("listen", values::listenAddress);
        ByteSize maxLineBytes = s.get("max_line_bytes", values::positiveSize, TcpInputConfig.DEFAULT_MAX_LINE_BYTES);
        int maxConnections = s.get("max_connections", values.integer(1, Integer.MAX_VALUE),
                TcpInputConfig.DEFAULT_MAX_CONNECTIONS);
        Duration idleTimeout = s.get("idle_timeout", values::positiveDuration, TcpInputConfig.DEFAULT_IDLE_TIMEOUT);
        Optional<Duration> expect = s.optional("expect_events_every", values::positiveDuration);
        listeners.add(listen, Node.child(s.mapping().path(), "listen"), s.node("listen"));
        if (id == null || listen == null) {
            return null;
        }
        return new TcpInputConfig(id, listen, maxLineBytes, maxConnections, idleTimeout, expect);
    }

    private FileInputConfig file(Section s, String id) {
        Path path = s.required("path", values::path);
        FileInputConfig.StartAt startAt = s.get("start_at", values.oneOf(FileInputConfig.StartAt.class),
                FileInputConfig.DEFAULT_START_AT);
        ByteSize maxLineBytes = s.get("max_line_bytes", values::positiveSize, FileInputConfig.DEFAULT_MAX_LINE_BYTES);
        Duration pollInterval = s.get("poll_interval", values::positiveDuration, FileInputConfig.DEFAULT_POLL_INTERVAL);
        Optional<Duration> expect = s.optional("expect_events_every", values::positiveDuration);
        if (id == null || path == null) {
            return null;
        }
        return new FileInputConfig(id, path, startAt, maxLineBytes, pollInterval, expect);
    }
}
