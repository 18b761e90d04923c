package dev.gapless.agent.input;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.filter.FilterChain;
import dev.gapless.agent.journal.AppendResult;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.contract.Utf8;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link IngestPort} over the agent's journal; any number of inputs and senders may share one. The journal tells
 * nobody when it has room again, so this is the one place that looks: while at least one sender waits, every
 * {@link #FULL_RETRY_MS} one timer completes the {@link IngestPort.Full#retry()} all the refused senders share, and
 * they offer their batches again (those refused again get the next one). One timer for all senders, none per sender,
 * none when nobody waits.
 */
public final class JournalIngest implements IngestPort {

    private static final Logger log = LoggerFactory.getLogger(JournalIngest.class);
    /** While the journal is full, refused senders are told to offer again this often (until taken or closed). */
    public static final long FULL_RETRY_MS = 50;

    private final Journal journal;
    private final Clock clock;
    private final FilterChain filters;
    private final ScheduledExecutorService ticks;
    // The retry signal the refused senders wait on, completed by the next tick; null while none waits. Guarded by
    // this (taken once per refusal, not per event).
    private CompletableFuture<Void> retry;

    /** A port whose retry timer is a daemon thread of its own, started while a sender waits, gone when idle. */
    public JournalIngest(Journal journal, Clock clock) {
        this(journal, clock, idleTimer(), FilterChain.none());
    }

    /** A port that runs every batch through {@code filters} before the append. */
    public JournalIngest(Journal journal, Clock clock, FilterChain filters) {
        this(journal, clock, idleTimer(), filters);
    }

    /** A port whose retry timer runs on {@code ticks} (e.g. a test's event loop, stepped by hand). */
    public JournalIngest(Journal journal, Clock clock, ScheduledExecutorService ticks) {
        this(journal, clock, ticks, FilterChain.none());
    }

    /** A port with filters whose retry timer runs on {@code ticks}. */
    public JournalIngest(Journal journal, Clock clock, ScheduledExecutorService ticks, FilterChain filters) {
        this.journal = journal;
        this.clock = clock;
        this.ticks = ticks;
        this.filters = filters;
    }

    private static ScheduledExecutorService idleTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "gapless-ingest-retry");
            t.setDaemon(true);
            return t;
        });
        timer.setKeepAliveTime(1, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }

    @Override
    public Sender open(InputStats stats, String who) {
        return new JournalSender(stats, who, false);
    }

    @Override
    public Sender openAcknowledging(InputStats stats, String who) {
        return new JournalSender(stats, who, true);
    }

    /** The signal the next tick completes; schedules that tick if none is pending. */
    private synchronized CompletionStage<Void> nextRetry() {
        if (retry == null) {
            retry = new CompletableFuture<>();
            try {
                ticks.schedule(this::tick, FULL_RETRY_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shutDown) {
                // the timer is gone (shutting down): offer again at once, the journal will say closed
                CompletableFuture<Void> now = retry;
                retry = null;
                now.complete(null);
                return now;
            }
        }
        return retry;
    }

    /** One tick: every sender waiting offers again. */
    void tick() {
        CompletableFuture<Void> due;
        synchronized (this) {
            due = retry;
            retry = null;
        }
        if (due != null) {
            due.complete(null); // outside the lock: a waiter may offer again, and be refused, at once
        }
    }

    /** One sender's state; only its own thread (one at a time) touches it. */
    private final class JournalSender implements Sender {
        private final InputStats stats;
        private final String who;
        // Its peer waits for each acknowledgement: its forces are not left to the interval.
        private final boolean awaited;
        // This sender's filtering, on its own thread; null without filters.
        private final FilterChain.Runner runner;
        // The last batch the filters made and the input batch it was made from: a batch refused (journal full) is
        // offered again as it was, and must not be filtered twice (a sample filter would keep other events).
        private MessageBatch filtered;
        private MessageBatch filteredFrom;
        private long filteredVersion;
        private boolean paused;
        private boolean closed;

        JournalSender(InputStats stats, String who, boolean awaited) {
            this.stats = stats;
            this.who = who;
            this.awaited = awaited;
            this.runner = filters.isEmpty() ? null : filters.runner();
        }

        /** The batch after the filters: made anew, or the one made before if this batch is offered again as it was. */
        private MessageBatch filtered(MessageBatch batch) {
            if (batch != filteredFrom || batch.version() != filteredVersion) {
                filtered = runner.apply(batch);
                filteredFrom = batch;
                filteredVersion = batch.version();
            }
            return filtered;
        }

        @Override
        public Offer offer(MessageBatch batch) {
            batch.source(stats.id);
            int truncated = 0;
            int invalid = 0;
            int unparsed = 0;
            byte[] b = batch.array();
            for (int i = 0; i < batch.size(); i++) {
                int tags = batch.tags(i);
                if ((tags & Tags.TRUNCATED) != 0) {
                    truncated++;
                }
                if ((tags & Tags.SYSLOG_PARSE_FAILED) != 0) {
                    unparsed++;
                }
                if ((tags & Tags.INVALID_UTF8) == 0 && Utf8.firstInvalid(b, batch.offset(i), batch.length(i)) >= 0) {
                    batch.addTags(i, Tags.INVALID_UTF8);
                    tags |= Tags.INVALID_UTF8;
                }
                if ((tags & Tags.INVALID_UTF8) != 0) {
                    invalid++;
                }
            }
            if (runner != null) {
                batch = filtered(batch);
            }
            AppendResult r = journal.append(batch);
            if (r.status() == AppendResult.Status.CLOSED) {
                return new Closed();
            }
            if (!r.appended()) {
                if (!paused && !closed) {
                    paused = true;
                    stats.blocked.increment();
                    stats.paused.pause(clock.millis());
                    log.warn("input {}: journal full ({}), pausing {}", stats.id, r.status(), who);
                }
                return new Full(r.status(), nextRetry());
            }
            if (paused) {
                paused = false;
                stats.paused.resume();
                log.warn("input {}: journal has room again, resuming {}", stats.id, who);
            }
            if (truncated > 0) { // an add of 0 would still write the counter every event loop shares
                stats.truncated.add(truncated);
            }
            if (invalid > 0) {
                stats.invalidUtf8.add(invalid);
            }
            if (unparsed > 0) {
                stats.parseFailures.add(unparsed);
            }
            int n = batch.size();
            long bytes = batch.messageBytes();
            CompletableFuture<Void> durable = journal.whenDurable(r.lastSeq(), awaited).whenComplete((v, err) -> {
                if (err == null) {
                    stats.accepted.add(n); // counters are thread-safe: counted on the force's thread
                    stats.bytes.add(bytes);
                    stats.lastEventAt = clock.millis();
                }
            });
            return new Taken(r.firstSeq(), r.lastSeq(), durable);
        }

        @Override
        public void reject(int events, String why) {
            stats.rejected.add(events);
            log.warn("input {}: {} ({}): {} event(s) not taken, never acknowledged", stats.id, why, who, events);
        }

        @Override
        public void close() {
            closed = true;
            if (paused) {
                paused = false;
                stats.paused.resume();
            }
        }
    }
}
