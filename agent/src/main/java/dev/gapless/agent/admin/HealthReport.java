package dev.gapless.agent.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.output.OutputStatus;
import dev.gapless.contract.HealthFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Renders /health: the watchdog's contract (docs/architecture.md). Built from volatile fields and counters
 * only, so it answers in microseconds whatever the journal or the outputs are doing.
 */
public final class HealthReport {

    private static final JsonFactory JSON = new JsonFactory();

    private final AgentView view;
    private final HealthWatch watch;
    private final Clock clock;
    private final long pid = ProcessHandle.current().pid();

    public HealthReport(AgentView view, HealthWatch watch, Clock clock) {
        this.view = view;
        this.watch = watch;
        this.clock = clock;
    }

    public byte[] render() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        long now = clock.millis();
        Journal j = view.journal();
        long head = j.headSeq();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            // "degraded": the agent cannot take or hand on events; the list says why (the contract's closed list)
            List<Degradation> degraded = watch.current();
            g.writeNumberField(HealthFields.CONTRACT, HealthFields.VERSION);
            g.writeStringField(HealthFields.STATUS,
                    degraded.isEmpty() ? HealthFields.STATUS_OK : HealthFields.STATUS_DEGRADED);
            g.writeArrayFieldStart(HealthFields.DEGRADED);
            for (Degradation d : degraded) {
                g.writeStartObject();
                g.writeStringField(HealthFields.REASON, d.reason().wireName());
                g.writeNumberField(HealthFields.SINCE, d.since());
                g.writeStringField(HealthFields.DETAIL, d.detail());
                if (d.output() != null) {
                    g.writeStringField(HealthFields.OUTPUT, d.output());
                }
                if (d.input() != null) {
                    g.writeStringField(HealthFields.INPUT, d.input());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField(HealthFields.VERSION_FIELD, view.version());
            g.writeNumberField(HealthFields.PID, pid);
            g.writeStringField(HealthFields.AGENT_ID, view.agentId().toString());
            g.writeStringField(HealthFields.BOOT_ID, view.bootId().toString());
            g.writeNumberField(HealthFields.NOW, now);
            g.writeNumberField(HealthFields.UPTIME_MS, now - view.startedAt());
            g.writeObjectFieldStart(HealthFields.JOURNAL);
            g.writeNumberField(HealthFields.HEAD_SEQ, head);
            g.writeNumberField(HealthFields.DURABLE_SEQ, j.durableSeq());
            g.writeNumberField("first_seq", j.firstSeq());
            long disk = j.diskBytes();
            g.writeNumberField(HealthFields.DISK_BYTES, disk);
            g.writeNumberField(HealthFields.MAX_BYTES, j.config().maxSize().bytes());
            String full = j.stats().fullReason;
            g.writeBooleanField(HealthFields.FULL, full != null);
            g.writeStringField(HealthFields.FULL_REASON, full);
            g.writeNumberField("corrupt_records", j.stats().corruptRecords.sum());
            g.writeNumberField("lost_records", j.stats().lostRecords.sum());
            g.writeBooleanField("force_failed", j.stats().forceFailed);
            g.writeStringField("force_failed_reason", j.stats().forceFailedReason);
            g.writeNumberField("syncer_errors", j.stats().syncerErrors.sum());
            g.writeEndObject();
            g.writeObjectFieldStart(HealthFields.INPUTS);
            for (InputStats in : view.inputs()) {
                g.writeObjectFieldStart(in.id);
                g.writeStringField(HealthFields.TYPE, in.type);
                g.writeNumberField(HealthFields.ACCEPTED, in.accepted.sum());
                g.writeNumberField(HealthFields.REJECTED, in.rejected.sum());
                g.writeNumberField("truncated", in.truncated.sum());
                g.writeNumberField("invalid_utf8", in.invalidUtf8.sum());
                g.writeNumberField("parse_failures", in.parseFailures.sum());
                g.writeNumberField("skipped_tails", in.skippedTails.sum());
                g.writeNumberField("connections_refused", in.connectionsRefused.sum());
                g.writeNumberField("connections_evicted", in.connectionsEvicted.sum());
                g.writeNumberField("kernel_drops", in.kernelDrops);
                g.writeNumberField("child_restarts", in.childRestarts.sum());
                time(g, HealthFields.LAST_EVENT_AT, in.lastEventAt);
                g.writeEndObject();
            }
            g.writeEndObject();
            // the filter chain's counters, by filter id in chain order (informational: not part of what the
            // watchdog requires)
            g.writeObjectFieldStart("filters");
            for (FilterStats f : view.filters()) {
                g.writeObjectFieldStart(f.id);
                g.writeStringField(HealthFields.TYPE, f.type);
                g.writeNumberField("events", f.events.sum());
                g.writeNumberField("dropped", f.dropped.sum());
                g.writeNumberField("failures", f.failures.sum());
                g.writeNumberField("timeouts", f.timeouts.sum());
                g.writeNumberField("errors", f.errors.sum());
                g.writeNumberField("when_timeouts", f.whenTimeouts());
                if (!f.rules().isEmpty()) {
                    g.writeObjectFieldStart("rules");
                    for (Map.Entry<String, LongAdder> rule : new TreeMap<>(f.rules()).entrySet()) {
                        g.writeNumberField(rule.getKey(), rule.getValue().sum());
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeObjectFieldStart(HealthFields.OUTPUTS);
            long first = j.firstSeq();
            for (OutputStatus o : view.outputs()) {
                g.writeObjectFieldStart(o.id);
                g.writeStringField(HealthFields.TYPE, o.type);
                g.writeStringField(HealthFields.DESTINATION, o.destination);
                long acked = o.ackedSeq;
                long backlog = Math.max(0, head - acked);
                g.writeNumberField(HealthFields.ACKED_SEQ, acked);
                g.writeNumberField(HealthFields.HEAD_SEQ, head);
                g.writeNumberField(HealthFields.BACKLOG_EVENTS, backlog);
                g.writeNumberField(HealthFields.BACKLOG_BYTES, backlogBytes(disk, first, head, acked));
                long oldest = o.oldestUnackedReceivedAt;
                g.writeNumberField("oldest_unacked_age_ms",
                        backlog == 0 || oldest == 0 ? 0 : Math.max(0, now - oldest));
                time(g, HealthFields.LAST_ACK_AT, o.lastAckAt);
                time(g, HealthFields.LAST_ATTEMPT_AT, o.lastAttemptAt);
                time(g, HealthFields.IN_FLIGHT_SINCE, o.inFlightSince);
                g.writeNumberField(HealthFields.CONSECUTIVE_FAILURES, o.consecutiveFailures);
                g.writeStringField(HealthFields.LAST_ERROR, o.lastError);
                g.writeStringField(HealthFields.LAST_ERROR_KIND, o.lastErrorKind == null ? null
                        : o.lastErrorKind.wireName());
                g.writeNumberField("delivered_records", o.deliveredRecords.sum());
                g.writeNumberField("skipped_records", o.skippedRecords.sum());
                g.writeNumberField("when_timeouts", o.whenTimeouts());
                g.writeNumberField("rejected_records", o.rejectedRecords.sum());
                g.writeNumberField("cursor_commit_failures", o.cursorCommitFailures.sum());
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An estimate: the journal's bytes per record times the records not yet acknowledged. */
    private static long backlogBytes(long disk, long first, long head, long acked) {
        long held = head - first + 1;
        if (held <= 0 || head <= acked) {
            return 0;
        }
        return (long) ((double) disk / held * Math.min(held, head - acked));
    }

    private static void time(JsonGenerator g, String name, long epochMs) throws IOException {
        if (epochMs == 0) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, epochMs);
        }
    }
}
