package dev.gapless.agent.plugin;

import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.output.Sink;
import dev.gapless.config.FilterConfig;
import dev.gapless.config.InputConfig;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.plugin.FilterType;
import dev.gapless.config.plugin.InputType;
import dev.gapless.config.plugin.OutputType;
import dev.gapless.config.plugin.Registry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The factories of the agent's inputs, filters and outputs, found through {@link ServiceLoader}, each keyed by the
 * descriptor it builds. A config record is built by the factory of its own type, found by the type's name; a type
 * the config registry lists but no factory builds is reported by {@link #missing()} (a test asserts there is none),
 * and a type registered twice is refused at load.
 */
public final class Plugins {

    private final Map<String, InputFactory<?>> inputs;
    private final Map<String, OutputFactory<?>> outputs;
    private final Map<String, FilterFactory<?>> filters;

    private Plugins(Map<String, InputFactory<?>> inputs, Map<String, OutputFactory<?>> outputs,
                    Map<String, FilterFactory<?>> filters) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.filters = filters;
    }

    /** The factories registered on the agent's class path. */
    @SuppressWarnings("rawtypes")
    public static Plugins load() {
        Map<String, InputFactory<?>> in = new LinkedHashMap<>();
        for (InputFactory f : ServiceLoader.load(InputFactory.class, Plugins.class.getClassLoader())) {
            register(in, f.type().name(), (InputFactory<?>) f);
        }
        Map<String, OutputFactory<?>> out = new LinkedHashMap<>();
        for (OutputFactory f : ServiceLoader.load(OutputFactory.class, Plugins.class.getClassLoader())) {
            register(out, f.type().name(), (OutputFactory<?>) f);
        }
        Map<String, FilterFactory<?>> filters = new LinkedHashMap<>();
        for (FilterFactory f : ServiceLoader.load(FilterFactory.class, Plugins.class.getClassLoader())) {
            register(filters, f.type().name(), (FilterFactory<?>) f);
        }
        return new Plugins(in, out, filters);
    }

    private static <F> void register(Map<String, F> into, String name, F factory) {
        F earlier = into.putIfAbsent(name, factory);
        if (earlier != null) {
            throw new IllegalStateException("type '" + name + "' has two factories: " + earlier.getClass().getName()
                    + " and " + factory.getClass().getName());
        }
    }

    public Input input(InputConfig config, InputContext context) {
        InputFactory<?> f = inputs.get(config.type());
        if (f == null) {
            throw new IllegalStateException("no factory for input type '" + config.type() + "'");
        }
        return create(f, config, context);
    }

    public Sink sink(OutputConfig config, OutputContext context) {
        OutputFactory<?> f = outputs.get(config.type());
        if (f == null) {
            throw new IllegalStateException("no factory for output type '" + config.type() + "'");
        }
        return create(f, config, context);
    }

    public Filter filter(FilterConfig config, FilterContext context) {
        FilterFactory<?> f = filters.get(config.type());
        if (f == null) {
            throw new IllegalStateException("no factory for filter type '" + config.type() + "'");
        }
        return create(f, config, context);
    }

    private static <C extends FilterConfig> Filter create(FilterFactory<C> f, FilterConfig config,
                                                          FilterContext ctx) {
        return f.create(f.type().configClass().cast(config), ctx);
    }

    private static <C extends InputConfig> Input create(InputFactory<C> f, InputConfig config, InputContext ctx) {
        return f.create(f.type().configClass().cast(config), ctx);
    }

    private static <C extends OutputConfig> Sink create(OutputFactory<C> f, OutputConfig config, OutputContext ctx) {
        return f.create(f.type().configClass().cast(config), ctx);
    }

    /**
     * What does not match the config's registry: a listed type with no factory, or a factory whose descriptor is
     * not the one the registry lists under its name. Empty when every type can be built.
     */
    public List<String> missing() {
        List<String> problems = new ArrayList<>();
        for (InputType<?> t : Registry.inputs()) {
            InputFactory<?> f = inputs.get(t.name());
            if (f == null || f.type() != t) {
                problems.add("input type '" + t.name() + "'" + (f == null ? " has no factory" : " has a factory "
                        + "for another descriptor"));
            }
        }
        for (OutputType<?> t : Registry.outputs()) {
            OutputFactory<?> f = outputs.get(t.name());
            if (f == null || f.type() != t) {
                problems.add("output type '" + t.name() + "'" + (f == null ? " has no factory" : " has a factory "
                        + "for another descriptor"));
            }
        }
        for (FilterType<?> t : Registry.filters()) {
            FilterFactory<?> f = filters.get(t.name());
            if (f == null || f.type() != t) {
                problems.add("filter type '" + t.name() + "'" + (f == null ? " has no factory" : " has a factory "
                        + "for another descriptor"));
            }
        }
        filters.keySet().stream().filter(n -> Registry.filter(n).isEmpty())
                .forEach(n -> problems.add("filter factory for '" + n + "', a type the config does not list"));
        inputs.keySet().stream().filter(n -> Registry.input(n).isEmpty())
                .forEach(n -> problems.add("input factory for '" + n + "', a type the config does not list"));
        outputs.keySet().stream().filter(n -> Registry.output(n).isEmpty())
                .forEach(n -> problems.add("output factory for '" + n + "', a type the config does not list"));
        return problems;
    }
}
