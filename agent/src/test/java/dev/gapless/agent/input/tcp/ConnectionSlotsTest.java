package dev.gapless.agent.input.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gapless.agent.StepClock;
import dev.gapless.agent.input.InputStats;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The rule at max_connections, stepped with a clock the test moves: no sockets, no waiting. */
class ConnectionSlotsTest {

    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    private final StepClock clock = new StepClock();
    private final InputStats stats = new InputStats("app", "tcp");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ConnectionSlots.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logs);
    }

    private ConnectionSlots slots(int max) {
        return new ConnectionSlots("app", max, IDLE_TIMEOUT, stats, clock);
    }

    /** A connection admitted (or not) as a Netty accept would: its read stamp first in the pipeline. */
    private static EmbeddedChannel connect(ConnectionSlots slots) {
        EmbeddedChannel ch = new EmbeddedChannel();
        slots.admit(ch).ifPresent(ch.pipeline()::addLast);
        return ch;
    }

    private static void send(EmbeddedChannel ch) {
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'x', '\n'}));
        ch.releaseInbound();
    }

    @Test
    void refusesANewConnectionWhileNoOpenOneHasBeenIdleForIdleTimeout() {
        ConnectionSlots slots = slots(2);
        EmbeddedChannel a = connect(slots);
        EmbeddedChannel b = connect(slots);
        clock.advance(IDLE_TIMEOUT.minusMillis(1));

        EmbeddedChannel c = connect(slots);

        assertThat(c.isOpen()).as("refused: closed on accept").isFalse();
        assertThat(a.isOpen() && b.isOpen()).isTrue();
        assertThat(stats.connectionsRefused.sum()).isEqualTo(1);
        assertThat(stats.connectionsEvicted.sum()).isZero();
    }

    @Test
    void evictsTheConnectionIdleTheLongestOnceIdleForIdleTimeout() {
        ConnectionSlots slots = slots(3);
        EmbeddedChannel a = connect(slots);
        EmbeddedChannel b = connect(slots);
        EmbeddedChannel neverSent = connect(slots);
        send(a);
        clock.advance(Duration.ofMinutes(1));
        send(b);
        clock.advance(Duration.ofMinutes(1));
        send(a);
        clock.advance(IDLE_TIMEOUT);

        EmbeddedChannel d = connect(slots);

        assertThat(neverSent.isOpen()).as("idle 7m, since its accept: evicted").isFalse();
        assertThat(d.isOpen()).isTrue();
        assertThat(a.isOpen() && b.isOpen()).isTrue();
        assertThat(slots.size()).isEqualTo(3);
        EmbeddedChannel e = connect(slots);
        assertThat(b.isOpen()).as("b, idle 6m, is the idlest left").isFalse();
        assertThat(a.isOpen() && e.isOpen()).isTrue();
        assertThat(stats.connectionsEvicted.sum()).isEqualTo(2);
        assertThat(stats.connectionsRefused.sum()).isZero();
    }

    @Test
    void neverEvictsAConnectionWhoseReadingIsPausedByAFullJournal() {
        ConnectionSlots slots = slots(1);
        EmbeddedChannel paused = connect(slots);
        paused.config().setAutoRead(false); // as IngestHandler does while the journal is full: its sender waits
        clock.advance(Duration.ofHours(1));

        EmbeddedChannel next = connect(slots);

        assertThat(paused.isOpen()).isTrue();
        assertThat(next.isOpen()).isFalse();
        assertThat(stats.connectionsRefused.sum()).isEqualTo(1);
    }

    @Test
    void belowTheLimitAQuietConnectionStaysOpen() {
        ConnectionSlots slots = slots(2);
        EmbeddedChannel quiet = connect(slots);
        clock.advance(Duration.ofDays(1));

        EmbeddedChannel next = connect(slots);

        assertThat(quiet.isOpen() && next.isOpen()).isTrue();
        assertThat(stats.connectionsEvicted.sum() + stats.connectionsRefused.sum()).isZero();
    }

    @Test
    void aClosedConnectionFreesItsSlot() {
        ConnectionSlots slots = slots(1);
        connect(slots).close();

        assertThat(connect(slots).isOpen()).isTrue();
        assertThat(stats.connectionsRefused.sum()).isZero();
    }

    @Test
    void logsRefusalsAndEvictionsAtMostOncePerTenSeconds() {
        ConnectionSlots slots = slots(1);
        connect(slots);
        List<EmbeddedChannel> refused = new ArrayList<>();
        for (int i = 0; i < 1000; i++) { // 1,000 refused in 3 s: one line
            refused.add(connect(slots));
            clock.advance(Duration.ofMillis(3));
        }
        assertThat(refused).noneMatch(EmbeddedChannel::isOpen);
        assertThat(warnings()).hasSize(1);
        assertThat(warnings().get(0)).startsWith("input app: at max_connections (1): 1 new connection(s) refused and"
                + " 0 idle one(s) evicted since start (idle_timeout 5m)");

        clock.advance(ConnectionSlots.LOG_INTERVAL.minusMillis(3000 + 1));
        connect(slots);
        assertThat(warnings()).as("still within 10 s of the first line").hasSize(1);
        clock.advance(IDLE_TIMEOUT);
        connect(slots); // evicts the first connection, idle over 5m

        assertThat(warnings()).hasSize(2);
        assertThat(warnings().get(1)).startsWith("input app: at max_connections (1): 1000 new connection(s) refused"
                + " and 1 idle one(s) evicted in the last 310s");
        assertThat(stats.connectionsRefused.sum()).isEqualTo(1001);
        assertThat(stats.connectionsEvicted.sum()).isEqualTo(1);
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
