package dev.gapless.config.load.internal;

import dev.gapless.config.InputConfig;
import dev.gapless.config.plugin.InputCommon;
import dev.gapless.config.plugin.InputType;
import dev.gapless.config.plugin.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Binds the {@code inputs} list: the keys every input has, then the rest by the {@link InputType} the
 * {@link Registry} names for its {@code type}; ids unique.
 */
final class InputBinder {

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
        String name = s.required("type", values.oneOf(Registry.inputNames(), "input type"));
        String id = s.required("id", values::id);
        ids.add(id, s.node("id"));
        if (AGENT_SOURCE.equals(id)) {
            problems.add(s.node("id").orElseThrow(), "the id '" + AGENT_SOURCE
                    + "' is reserved: it is the source of the agent's own heartbeats and loss markers");
        }
        Optional<Duration> expect = s.optional("expect_events_every", values::positiveDuration);
        if (name == null) {
            return null; // its keys cannot be checked without knowing its type
        }
        InputType<?> type = Registry.input(name).orElseThrow();
        TypeSettings settings = new TypeSettings(s, values, problems, listeners);
        InputConfig input = type.bind(settings, new InputCommon(id, expect));
        settings.done();
        return input;
    }
}
