package dev.gapless.config.load.internal;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.plugin.OutputCommon;
import dev.gapless.config.plugin.OutputType;
import dev.gapless.config.plugin.Registry;
import dev.gapless.config.condition.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds the {@code outputs} list: the keys every output has (batch and retry included), then the rest by the
 * {@link OutputType} the {@link Registry} names for its {@code type}; ids unique.
 */
final class OutputBinder {

    private final Values values;
    private final Problems problems;
    private final Listeners listeners;
    private final ShapedValues shaped;
    // The when: of each output that has one, by id.
    private final Map<String, Condition> routes = new LinkedHashMap<>();

    OutputBinder(Values values, Problems problems, Listeners listeners) {
        this.values = values;
        this.problems = problems;
        this.listeners = listeners;
        this.shaped = new ShapedValues(values, problems);
    }

    /** The {@code when:} of each output bound so far that has one, by output id. */
    Map<String, Condition> routes() {
        return routes;
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
        String name = s.required("type", values.oneOf(Registry.outputNames(), "output type"));
        String id = s.required("id", values::id);
        ids.add(id, s.node("id"));
        BatchConfig batch = batch(s.section("batch", "a mapping with max_events, max_bytes, max_wait"));
        RetryConfig retry = retry(s.section("retry", "a mapping with initial_backoff, max_backoff"));
        Codec codec = s.get("codec", values.oneOf(Codec.class), null);
        s.optional("when", shaped::condition).ifPresent(when -> {
            if (id != null) {
                routes.put(id, when);
            }
        });
        if (name == null) {
            return null; // its keys cannot be checked without knowing its type
        }
        OutputType<?> type = Registry.output(name).orElseThrow();
        TypeSettings settings = new TypeSettings(s, values, problems, listeners);
        OutputConfig output = type.bind(settings,
                new OutputCommon(id, codec == null ? type.defaultCodec() : codec, batch, retry));
        settings.done();
        return output;
    }

    private BatchConfig batch(Section s) {
        BatchConfig d = BatchConfig.DEFAULT;
        BatchConfig batch = new BatchConfig(
                s.get("max_events", values.integer(1, Integer.MAX_VALUE), d.maxEvents()),
                s.get("max_bytes", values::positiveSize, d.maxBytes()),
                s.get("max_wait", values::duration, d.maxWait()),
                s.get("max_in_flight", values.integer(1, BatchConfig.MAX_IN_FLIGHT_LIMIT), d.maxInFlight()));
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
