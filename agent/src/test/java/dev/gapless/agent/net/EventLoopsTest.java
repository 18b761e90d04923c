package dev.gapless.agent.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopsTest {

    private MultiThreadIoEventLoopGroup group;

    @AfterEach
    void shutDown() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void threadsAreNamedAfterTheGroupAndRunAtTheHighestPriority() throws Exception {
        group = EventLoops.nio("quiet-name", 2);
        Thread t = group.next().submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
        assertThat(t.getName()).matches("quiet-name-\\d+-\\d");
        assertThat(t.getPriority()).isEqualTo(Thread.MAX_PRIORITY);
        assertThat(t.isDaemon()).isFalse();
    }

    @Test
    void anIdleLoopIsWokenByTasksFromOtherThreadsAndRunsScheduledOnesOnTime() throws Exception {
        group = EventLoops.nio("quiet-tasks", 1);
        EventLoop loop = group.next();
        loop.submit(() -> { }).get(10, TimeUnit.SECONDS); // the thread exists and now selects with no timeout
        // Submitted from another thread while it blocks: a lost wake-up would leave this waiting for good.
        CompletableFuture<Boolean> ran = new CompletableFuture<>();
        loop.execute(() -> ran.complete(loop.inEventLoop()));
        assertThat(ran.get(10, TimeUnit.SECONDS)).isTrue();
        // Scheduled from outside: the new deadline must wake the select, and the task must not run early.
        long start = System.nanoTime();
        long ranAfter = loop.schedule(() -> System.nanoTime() - start, 300, TimeUnit.MILLISECONDS)
                .get(10, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(ranAfter)).isBetween(290L, 9_000L);
        // Scheduled from inside, with the select already blocked on an earlier, farther deadline.
        CompletableFuture<Long> near = new CompletableFuture<>();
        long t0 = System.nanoTime();
        loop.execute(() -> {
            loop.schedule(() -> { }, 60, TimeUnit.SECONDS);
            loop.schedule(() -> near.complete(System.nanoTime() - t0), 100, TimeUnit.MILLISECONDS);
        });
        assertThat(TimeUnit.NANOSECONDS.toMillis(near.get(10, TimeUnit.SECONDS))).isBetween(90L, 9_000L);
    }

    @Test
    void anIdleLoopDoesNotWakeByItself() throws Exception {
        group = EventLoops.nio("quiet-idle", 1);
        EventLoop loop = group.next();
        AtomicReference<String> name = new AtomicReference<>();
        loop.submit(() -> name.set(Thread.currentThread().getName())).get(10, TimeUnit.SECONDS);
        Path task = taskOf(name.get());
        long before = timeslices(task);
        // Nothing to wait for: the window itself is what is measured. Netty 4.2's own loop, with nothing scheduled,
        // wakes once a second (3 or 4 times in this window).
        Thread.sleep(3500);
        long woke = timeslices(task) - before;
        assertThat(woke).as("times the idle loop thread ran in 3.5 s").isLessThanOrEqualTo(1);
        // and it still takes work at once
        assertThat(loop.submit(() -> 42).get(10, TimeUnit.SECONDS)).isEqualTo(42);
    }

    /** The /proc/self/task entry of the live thread with this name (the kernel keeps its first 15 bytes). */
    private static Path taskOf(String threadName) throws IOException {
        String comm = threadName.length() > 15 ? threadName.substring(0, 15) : threadName;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            List<Path> found = tasks.filter(t -> {
                try {
                    return Files.readString(t.resolve("comm")).strip().equals(comm);
                } catch (IOException gone) {
                    return false;
                }
            }).toList();
            assertThat(found).as("threads named " + comm).hasSize(1);
            return found.get(0);
        }
    }

    /** How many times the thread was put on a CPU (the third figure of its schedstat). */
    private static long timeslices(Path task) throws IOException {
        String[] f = Files.readString(task.resolve("schedstat")).strip().split(" ");
        return Long.parseLong(f[2]);
    }
}
