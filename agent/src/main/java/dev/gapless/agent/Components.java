package dev.gapless.agent;

import dev.gapless.agent.codec.EnvelopeEncoder;
import dev.gapless.agent.codec.Encoder;
import dev.gapless.agent.codec.LineEncoder;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.file.FileInput;
import dev.gapless.agent.input.tcp.TcpInput;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.output.Sink;
import dev.gapless.agent.output.file.FileSink;
import dev.gapless.agent.output.http.HttpSink;
import dev.gapless.agent.output.tcp.TcpSink;
import dev.gapless.config.Codec;
import dev.gapless.config.FileInputConfig;
import dev.gapless.config.FileOutputConfig;
import dev.gapless.config.HttpOutputConfig;
import dev.gapless.config.InputConfig;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.TcpInputConfig;
import dev.gapless.config.TcpOutputConfig;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.util.UUID;

/**
 * The one place that maps config records to live components. Every collaborator arrives through
 * {@link Context}; an unknown record type is an error, never silently skipped.
 */
final class Components {

    /** What components are built with. */
    record Context(Journal journal, DataDir dataDir, EventLoopGroup boss, EventLoopGroup inputLoops,
                   EventLoopGroup outputLoops, UUID agentId, String host, Clock clock) {
    }

    private Components() {
    }

    static Input input(InputConfig config, Context ctx) {
        if (config instanceof TcpInputConfig tcp) {
            return new TcpInput(tcp, new dev.gapless.agent.input.JournalIngest(ctx.journal(), ctx.clock()), ctx.boss(),
                    ctx.inputLoops(), ctx.clock());
        }
        if (config instanceof FileInputConfig file) {
            boolean sync = ctx.journal().config().durability() != JournalConfig.Durability.NONE;
            return new FileInput(file, new dev.gapless.agent.input.JournalIngest(ctx.journal(), ctx.clock()),
                    ctx.dataDir().inputCheckpoint(file.id()), sync, ctx.clock());
        }
        throw new IllegalArgumentException("no input for type " + config.type());
    }

    static Sink sink(OutputConfig config, Context ctx) {
        if (config instanceof HttpOutputConfig http) {
            return new HttpSink(http, ctx.outputLoops());
        }
        if (config instanceof TcpOutputConfig tcp) {
            return new TcpSink(tcp, ctx.outputLoops());
        }
        if (config instanceof FileOutputConfig file) {
            return new FileSink(file);
        }
        throw new IllegalArgumentException("no output for type " + config.type());
    }

    static Encoder encoder(OutputConfig config, Context ctx) {
        Codec codec;
        if (config instanceof HttpOutputConfig http) {
            codec = http.codec();
        } else if (config instanceof TcpOutputConfig tcp) {
            codec = tcp.codec();
        } else if (config instanceof FileOutputConfig file) {
            codec = file.codec();
        } else {
            throw new IllegalArgumentException("no encoder for output type " + config.type());
        }
        return codec == Codec.LINE ? new LineEncoder() : new EnvelopeEncoder(ctx.agentId(), ctx.host(),
                ctx.journal()::durableSeq);
    }
}
