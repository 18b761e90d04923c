package dev.gapless.agent;

import dev.gapless.agent.codec.Encoder;
import dev.gapless.agent.codec.EnvelopeEncoder;
import dev.gapless.agent.codec.LineEncoder;
import dev.gapless.agent.filter.FilterChain;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.output.Sink;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.agent.plugin.InputContext;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.agent.plugin.Plugins;
import dev.gapless.config.Codec;
import dev.gapless.config.FilterConfig;
import dev.gapless.config.InputConfig;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.OutputConfig;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Maps config records to live components: each input and sink by the factory registered for its type
 * ({@link Plugins}), and the codec every output shares. Every collaborator arrives through {@link Context}.
 */
final class Components {

    /** What components are built with. */
    record Context(Journal journal, DataDir dataDir, EventLoopGroup boss, EventLoopGroup inputLoops,
                   EventLoopGroup outputLoops, UUID agentId, String host, Clock clock) {
    }

    /** Bytes of a record that are not the event's own: its header, source id and trailer, with room to spare. */
    private static final int RECORD_ROOM = 1024;

    private final Plugins plugins;
    private final Context ctx;
    private final InputContext inputContext;
    private final OutputContext outputContext;

    private final FilterChain filters;

    Components(Plugins plugins, Context ctx, List<FilterConfig> filterConfigs) {
        this.plugins = plugins;
        this.ctx = ctx;
        boolean sync = ctx.journal().config().durability() != JournalConfig.Durability.NONE;
        this.filters = filters(filterConfigs);
        // One port for all inputs: one timer wakes every sender the full journal refused.
        JournalIngest ingest = new JournalIngest(ctx.journal(), ctx.clock(), filters);
        this.inputContext = new InputContext(ingest, ctx.boss(), ctx.inputLoops(), ctx.dataDir()::inputCheckpoint, sync,
                ctx.clock());
        this.outputContext = new OutputContext(ctx.outputLoops(), ctx.clock(), ctx.agentId());
    }

    /** The chain, each filter built by its factory; the room left for an event is the record cap less a header. */
    private FilterChain filters(List<FilterConfig> configs) {
        List<FilterChain.Step> steps = new ArrayList<>();
        for (FilterConfig fc : configs) {
            FilterStats stats = new FilterStats(fc.id(), fc.type(), fc.when());
            steps.add(new FilterChain.Step(stats, fc.when(), plugins.filter(fc, new FilterContext(stats,
                    ctx.clock()))));
        }
        return new FilterChain(steps, ctx.journal().maxRecordBytes() - RECORD_ROOM);
    }

    /** The filter chain every input's events go through. */
    FilterChain filters() {
        return filters;
    }

    Input input(InputConfig config) {
        return plugins.input(config, inputContext);
    }

    Sink sink(OutputConfig config) {
        return plugins.sink(config, outputContext);
    }

    Encoder encoder(OutputConfig config) {
        return config.codec() == Codec.LINE ? new LineEncoder() : new EnvelopeEncoder(ctx.agentId(), ctx.host(),
                ctx.journal()::durableSeq);
    }
}
