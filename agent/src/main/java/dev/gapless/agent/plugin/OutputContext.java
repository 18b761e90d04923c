package dev.gapless.agent.plugin;

import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * What a sink is built with.
 *
 * @param loops   the outputs' event loops, for sinks that use Netty
 * @param clock   wall time, for what a sink reports
 * @param agentId the persistent agent id, for sinks that name events by it (a Kafka record's key)
 */
public record OutputContext(EventLoopGroup loops, Clock clock, UUID agentId) {

    public OutputContext {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(agentId, "agentId");
    }

    /** For sinks that need no agent id (tests of them): a random one. */
    public OutputContext(EventLoopGroup loops, Clock clock) {
        this(loops, clock, UUID.randomUUID());
    }
}
