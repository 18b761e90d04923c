package dev.gapless.agent.net;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.Executor;

/**
 * The agent's Netty event-loop groups, whose idle threads sleep until there is work.
 *
 * <p>Netty 4.2's {@link SingleThreadIoEventLoop} bounds every select by one second when nothing is scheduled, so
 * each idle loop wakes once a second to find nothing to do. The loops here block until a channel is ready, a task
 * is submitted (submitting from another thread wakes the selector) or the next scheduled task is due, as Netty 4.1's
 * NIO loop did: an agent with no traffic costs no CPU in its event loops.
 */
public final class EventLoops {

    private EventLoops() {
    }

    /**
     * A group of {@code threads} NIO event loops, started on first use, whose threads are named
     * {@code <name>-<group number>-<n>} and run at the highest priority, as Netty's own.
     */
    public static MultiThreadIoEventLoopGroup nio(String name, int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, false, Thread.MAX_PRIORITY),
                NioIoHandler.newFactory()) {
            @Override
            protected IoEventLoop newChild(Executor executor, IoHandlerFactory factory, Object... args) {
                return new QuietLoop(this, executor, factory);
            }
        };
    }

    private static final class QuietLoop extends SingleThreadIoEventLoop {

        QuietLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory factory) {
            super(parent, executor, factory);
        }

        /** With nothing scheduled, no bound: the I/O handler then blocks in select until woken. */
        @Override
        protected long delayNanos(long currentTimeNanos) {
            return nextScheduledTaskDeadlineNanos() == -1 ? Long.MAX_VALUE : super.delayNanos(currentTimeNanos);
        }
    }
}
