package dev.gapless.bench;

import dev.gapless.agent.filter.FilterChain;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.agent.plugin.Plugins;
import dev.gapless.config.FilterConfig;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.load.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The filter chain on one core, as the ingest port runs it: a batch of {@link #BATCH} events through a
 * {@code FilterChain.Runner}, the filters built from YAML by their real factories, the changed fields written back
 * as JSON. Score: events per second. Chains: {@code json_mutate} (a JSON message parsed into fields, then three
 * mutate steps) and {@code grok_apache} (COMBINEDAPACHELOG on an Apache combined-log line).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms64m", "-Xmx256m", "-XX:+UseSerialGC"})
public class FilterBench {

    static final int BATCH = 64;

    private static final String JSON_MUTATE = """
            filters:
              - type: json
                field: message
              - type: mutate
                rename: {fields.usr: fields.user}
              - type: mutate
                convert: {fields.status: integer}
              - type: mutate
                lowercase: [fields.method]
            """;
    private static final String GROK_APACHE = """
            filters:
              - type: grok
                field: message
                pattern: '%{COMBINEDAPACHELOG}'
            """;

    @Param({"json_mutate", "grok_apache"})
    public String chain;

    private FilterChain.Runner runner;
    private MessageBatch batch;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        String yaml = chain.equals("json_mutate") ? JSON_MUTATE : GROK_APACHE;
        GaplessConfig config = ConfigLoader.parse(yaml, "bench.yaml", Path.of("/tmp"), Map.of());
        Plugins plugins = Plugins.load();
        List<FilterChain.Step> steps = new ArrayList<>();
        for (FilterConfig fc : config.filters()) {
            FilterStats stats = new FilterStats(fc.id(), fc.type());
            steps.add(new FilterChain.Step(stats, fc.when(),
                    plugins.filter(fc, new FilterContext(stats, Clock.systemUTC()))));
        }
        runner = new FilterChain(steps, 1 << 20).runner();
        batch = new MessageBatch(64 * 1024);
        batch.source("bench");
        batch.receivedAtNanos(System.currentTimeMillis() * 1_000_000L);
        for (int i = 0; i < BATCH; i++) {
            byte[] m = (chain.equals("json_mutate") ? jsonLine(i) : apacheLine(i)).getBytes(StandardCharsets.UTF_8);
            batch.add(m, 0, m.length, 0);
        }
        MessageBatch out = runner.apply(batch);
        if (out.size() != BATCH || out.fieldsLength(0) == 0 || out.hasFreeTags()) {
            throw new IllegalStateException("the chain did not parse the fixture: " + out.freeTags(0));
        }
    }

    /** About 150 bytes, eight keys: what an application's JSON log line looks like. */
    static String jsonLine(int i) {
        return "{\"ts\":\"2026-11-23T10:00:0" + (i % 10) + ".123Z\",\"level\":\"info\",\"usr\":\"user" + i
                + "\",\"method\":\"GET\",\"path\":\"/api/v1/items/" + i + "\",\"status\":\"200\",\"ms\":" + (i % 97)
                + ",\"ok\":true}";
    }

    static String apacheLine(int i) {
        return "10.0." + (i % 250) + ".7 - frank [10/Oct/2026:13:55:36 -0700] \"GET /apache_pb" + i
                + ".gif HTTP/1.0\" 200 " + (2000 + i) + " \"http://www.example.com/start.html\" \"Mozilla/5.0"
                + " (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\"";
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public MessageBatch filter() {
        return runner.apply(batch);
    }
}
