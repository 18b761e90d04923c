package dev.gapless.agent.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.output.OutputStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;

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
            g.writeStringField("status", degraded.isEmpty() ? "ok" : "degraded");
            g.writeArrayFieldStart("degraded");
            for (Degradation d : degraded) {
                g.writeStartObject();
                g.writeStringField("reason", d.reason().wireName());
                g.writeNumberField("since", d.since());
                g.writeStringField("detail", d.detail());
                if (d.output() != null) {
                    g.writeStringField("output", d.output());
                }
                if (d.input() != null) {
                    g.writeStringField("input", d.input());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("version", view.version());
            g.writeNumberField("pid", pid);
            g.writeStringField("agent_id", view.agentId().toString());
            g.writeStringField("boot_id", view.bootId().toString());
            g.writeNumberField("now", now);
            g.writeNumberField("uptime_ms", now - view.startedAt());
            g.writeObjectFieldStart("journal");
            g.writeNumberField("head_seq", head);
            g.writeNumberField("durable_seq", j.durableSeq());
            g.writeNumberField("first_seq", j.firstSeq());
            long disk = j.diskBytes();
            g.writeNumberField("disk_bytes", disk);
            g.writeNumberField("max_bytes", j.config().maxSize().bytes());
            String full = j.stats().fullReason;
            g.writeBooleanField("full", full != null);
            g.writeStringField("full_reason", full);
            g.writeNumberField("corrupt_records", j.stats().corruptRecords.sum());
            g.writeNumberField("lost_records", j.stats().lostRecords.sum());
            g.writeBooleanField("force_failed", j.stats().forceFailed);
            g.writeStringField("force_failed_reason", j.stats().forceFailedReason);
            g.writeNumberField("syncer_errors", j.stats().syncerErrors.sum());
            g.writeEndObject();
            g.writeObjectFieldStart("inputs");
            for (InputStats in : view.inputs()) {
                g.writeObjectFieldStart(in.id);
                g.writeStringField("type", in.type);
                g.writeNumberField("accepted", in.accepted.sum());
                g.writeNumberField("rejected", in.rejected.sum());
                g.writeNumberField("truncated", in.truncated.sum());
                g.writeNumberField("invalid_utf8", in.invalidUtf8.sum());
                g.writeNumberField("skipped_tails", in.skippedTails.sum());
                g.writeNumberField("connections_refused", in.connectionsRefused.sum());
                g.writeNumberField("connections_evicted", in.connectionsEvicted.sum());
                time(g, "last_event_at", in.lastEventAt);
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeObjectFieldStart("outputs");
            long first = j.firstSeq();
            for (OutputStatus o : view.outputs()) {
                g.writeObjectFieldStart(o.id);
                g.writeStringField("type", o.type);
                g.writeStringField("destination", o.destination);
                long acked = o.ackedSeq;
                long backlog = Math.max(0, head - acked);
                g.writeNumberField("acked_seq", acked);
                g.writeNumberField("head_seq", head);
                g.writeNumberField("backlog_events", backlog);
                g.writeNumberField("backlog_bytes", backlogBytes(disk, first, head, acked));
                long oldest = o.oldestUnackedReceivedAt;
                g.writeNumberField("oldest_unacked_age_ms", backlog == 0 || oldest == 0 ? 0 : Math.max(0, now - oldest));
                time(g, "last_ack_at", o.lastAckAt);
                time(g, "last_attempt_at", o.lastAttemptAt);
                time(g, "in_flight_since", o.inFlightSince);
                g.writeNumberField("consecutive_failures", o.consecutiveFailures);
                g.writeStringField("last_error", o.lastError);
                g.writeStringField("last_error_kind", o.lastErrorKind == null ? null : o.lastErrorKind.wireName());
                g.writeNumberField("delivered_records", o.deliveredRecords.sum());
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
