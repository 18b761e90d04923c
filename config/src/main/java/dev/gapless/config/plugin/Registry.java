package dev.gapless.config.plugin;

import dev.gapless.config.filter.date.DateFilterType;
import dev.gapless.config.filter.drop.DropFilterType;
import dev.gapless.config.filter.grok.GrokFilterType;
import dev.gapless.config.filter.json.JsonFilterType;
import dev.gapless.config.filter.kv.KvFilterType;
import dev.gapless.config.filter.mutate.MutateFilterType;
import dev.gapless.config.filter.redact.RedactFilterType;
import dev.gapless.config.filter.regex.RegexFilterType;
import dev.gapless.config.filter.sample.SampleFilterType;
import dev.gapless.config.input.file.FileInputType;
import dev.gapless.config.input.http.HttpInputType;
import dev.gapless.config.input.journald.JournaldInputType;
import dev.gapless.config.input.otlp.OtlpInputType;
import dev.gapless.config.input.syslog.SyslogInputType;
import dev.gapless.config.input.tcp.TcpInputType;
import dev.gapless.config.output.archive.ArchiveOutputType;
import dev.gapless.config.output.elasticsearch.ElasticsearchOutputType;
import dev.gapless.config.output.file.FileOutputType;
import dev.gapless.config.output.http.HttpOutputType;
import dev.gapless.config.output.kafka.KafkaOutputType;
import dev.gapless.config.output.loki.LokiOutputType;
import dev.gapless.config.output.splunkhec.SplunkHecOutputType;
import dev.gapless.config.output.otlp.OtlpOutputType;
import dev.gapless.config.output.stdout.StdoutOutputType;
import dev.gapless.config.output.syslog.SyslogOutputType;
import dev.gapless.config.output.tcp.TcpOutputType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every input, filter and output type Gapless has: the one list a new type is added to (docs/architecture.md,
 * "Adding an input, a filter or an output"). The loader binds a section by the type named here; the agent builds
 * each type with the factory it registers for it (and a test fails when one is missing); the watchdog reads the
 * records alone.
 */
public final class Registry {

    private static final List<InputType<?>> INPUTS = List.of(
            TcpInputType.INSTANCE,
            FileInputType.INSTANCE,
            SyslogInputType.INSTANCE,
            HttpInputType.INSTANCE,
            JournaldInputType.INSTANCE,
            OtlpInputType.INSTANCE);

    private static final List<OutputType<?>> OUTPUTS = List.of(
            TcpOutputType.INSTANCE,
            HttpOutputType.INSTANCE,
            FileOutputType.INSTANCE,
            StdoutOutputType.INSTANCE,
            ArchiveOutputType.INSTANCE,
            KafkaOutputType.INSTANCE,
            ElasticsearchOutputType.INSTANCE,
            LokiOutputType.INSTANCE,
            SplunkHecOutputType.INSTANCE,
            OtlpOutputType.INSTANCE,
            SyslogOutputType.INSTANCE);

    private static final List<FilterType<?>> FILTERS = List.of(
            DropFilterType.INSTANCE,
            DateFilterType.INSTANCE,
            GrokFilterType.INSTANCE,
            RegexFilterType.INSTANCE,
            RedactFilterType.INSTANCE,
            SampleFilterType.INSTANCE,
            JsonFilterType.INSTANCE,
            MutateFilterType.INSTANCE,
            KvFilterType.INSTANCE);

    private static final Map<String, InputType<?>> INPUTS_BY_NAME = byName(INPUTS, InputType::name);
    private static final Map<String, OutputType<?>> OUTPUTS_BY_NAME = byName(OUTPUTS, OutputType::name);
    private static final Map<String, FilterType<?>> FILTERS_BY_NAME = byName(FILTERS, FilterType::name);

    private Registry() {
    }

    public static List<InputType<?>> inputs() {
        return INPUTS;
    }

    public static List<OutputType<?>> outputs() {
        return OUTPUTS;
    }

    public static List<FilterType<?>> filters() {
        return FILTERS;
    }

    public static Optional<FilterType<?>> filter(String name) {
        return Optional.ofNullable(FILTERS_BY_NAME.get(name));
    }

    public static List<String> filterNames() {
        return List.copyOf(FILTERS_BY_NAME.keySet());
    }

    public static Optional<InputType<?>> input(String name) {
        return Optional.ofNullable(INPUTS_BY_NAME.get(name));
    }

    public static Optional<OutputType<?>> output(String name) {
        return Optional.ofNullable(OUTPUTS_BY_NAME.get(name));
    }

    /** The input type names, in registry order: what an unknown {@code type:} error lists. */
    public static List<String> inputNames() {
        return List.copyOf(INPUTS_BY_NAME.keySet());
    }

    public static List<String> outputNames() {
        return List.copyOf(OUTPUTS_BY_NAME.keySet());
    }

    private static <T> Map<String, T> byName(List<T> types, Function<T, String> name) {
        Map<String, T> out = new LinkedHashMap<>();
        List<String> clashes = new ArrayList<>();
        for (T t : types) {
            if (out.putIfAbsent(name.apply(t), t) != null) {
                clashes.add(name.apply(t));
            }
        }
        if (!clashes.isEmpty()) {
            throw new IllegalStateException("type names registered twice: " + clashes);
        }
        return Collections.unmodifiableMap(out);
    }
}
