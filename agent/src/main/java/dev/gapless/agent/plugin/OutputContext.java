package dev.gapless.agent.plugin;

import io.netty.channel.EventLoopGroup;
import java.time.Clock;

/**
 * What a sink is built with.
 *
 * @param loops the outputs' event loops, for sinks that use Netty
 * @param clock wall time, for what a sink reports
 */
public record OutputContext(EventLoopGroup loops, Clock clock) {
}
