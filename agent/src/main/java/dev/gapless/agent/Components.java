package dev.gapless.agent;

import dev.gapless.agent.codec.Encoder;
import dev.gapless.agent.codec.EnvelopeEncoder;
import dev.gapless.agent.codec.LineEncoder;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.output.Sink;
import dev.gapless.agent.plugin.InputContext;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.agent.plugin.Plugins;
import dev.gapless.config.Codec;
import dev.gapless.config.InputConfig;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.OutputConfig;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
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

    private final Plugins plugins;
    private final Context ctx;
    private final InputContext inputContext;
    private final OutputContext outputContext;

    Components(Plugins plugins, Context ctx) {
        this.plugins = plugins;
        this.ctx = ctx;
        boolean sync = ctx.journal().config().durability() != JournalConfig.Durability.NONE;
        // One port for all inputs: one timer wakes every sender the full journal refused.
        JournalIngest ingest = new JournalIngest(ctx.journal(), ctx.clock());
        this.inputContext = new InputContext(ingest, ctx.boss(), ctx.inputLoops(), ctx.dataDir()::inputCheckpoint, sync,
                ctx.clock());
        this.outputContext = new OutputContext(ctx.outputLoops(), ctx.clock(), ctx.agentId());
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
