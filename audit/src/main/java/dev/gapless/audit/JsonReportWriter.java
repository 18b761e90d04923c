package dev.gapless.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gapless.audit.AuditReport.AgentReport;
import dev.gapless.audit.AuditReport.Boot;
import dev.gapless.audit.AuditReport.FileSummary;
import dev.gapless.audit.AuditReport.GarbageLine;
import dev.gapless.audit.AuditReport.HeartbeatGap;
import dev.gapless.audit.AuditReport.LossMarker;
import dev.gapless.audit.AuditReport.RangeList;
import dev.gapless.audit.AuditReport.SeqRange;
import dev.gapless.audit.AuditReport.TimeAnomalies;
import dev.gapless.audit.AuditReport.TimeAnomaly;
import dev.gapless.config.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The JSON form of an {@link AuditReport}: snake_case keys, seq ranges as {@code [from, to]} pairs. */
final class JsonReportWriter {

    private JsonReportWriter() {
    }

    static void write(AuditReport r, Writer w) {
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("verdict", r.verdict().name().toLowerCase(Locale.ROOT));
            g.writeNumberField("exit_code", r.exitCode());
            g.writeStringField("audited_at", r.auditedAt().toString());
            g.writeObjectFieldStart("settings");
            g.writeStringField("heartbeat_gap", Durations.format(r.settings().heartbeatGap()));
            g.writeStringField("max_time_regression", Durations.format(r.settings().maxTimeRegression()));
            g.writeStringField("max_future", Durations.format(r.settings().maxFuture()));
            g.writeBooleanField("expect_from_start", r.settings().expectFromStart());
            g.writeEndObject();
            g.writeArrayFieldStart("files");
            for (FileSummary f : r.files()) {
                g.writeStartObject();
                g.writeStringField("path", f.path());
                g.writeBooleanField("gzip", f.gzip());
                g.writeNumberField("lines", f.lines());
                g.writeNumberField("envelopes", f.envelopes());
                g.writeNumberField("garbage_lines", f.garbageLines());
                g.writeBooleanField("truncated_last_line", f.truncatedLastLine());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("errors");
            for (String e : r.errors()) {
                g.writeString(e);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("garbage");
            g.writeNumberField("count", r.garbage().count());
            g.writeArrayFieldStart("first");
            for (GarbageLine l : r.garbage().first()) {
                g.writeStartObject();
                g.writeStringField("file", l.file());
                g.writeNumberField("line", l.line());
                g.writeStringField("reason", l.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeArrayFieldStart("agents");
            for (AgentReport a : r.agents()) {
                writeAgentJson(a, g);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeAgentJson(AgentReport a, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("agent_id", a.agentId());
        g.writeStringField("verdict", a.verdict().name().toLowerCase(Locale.ROOT));
        g.writeNumberField("records", a.records());
        g.writeNumberField("events", a.events());
        g.writeNumberField("heartbeats", a.heartbeats());
        g.writeNumberField("first_seq", a.firstSeq());
        g.writeNumberField("last_seq", a.lastSeq());
        g.writeFieldName("starts_at_seq");
        if (a.startsAtSeq() == null) {
            g.writeNull();
        } else {
            g.writeNumber(a.startsAtSeq());
        }
        g.writeFieldName("seen");
        rangesJson(a.seen(), g);
        g.writeObjectFieldStart("missing");
        g.writeFieldName("undeclared");
        rangesJson(a.undeclared(), g);
        g.writeFieldName("declared");
        rangesJson(a.declared(), g);
        g.writeFieldName("tail");
        if (a.missingTail() == null) {
            g.writeNull();
        } else {
            rangeJson(a.missingTail(), g);
        }
        g.writeEndObject();
        g.writeObjectFieldStart("skipped");
        g.writeNumberField("records", a.skippedRecords());
        g.writeNumberField("by_routing", a.skippedByRouting());
        g.writeFieldName("delivered_too");
        rangesJson(a.skippedButDelivered(), g);
        g.writeEndObject();
        g.writeObjectFieldStart("loss_markers");
        g.writeNumberField("count", a.lossMarkerCount());
        g.writeArrayFieldStart("markers");
        for (LossMarker m : a.lossMarkers()) {
            g.writeStartObject();
            g.writeNumberField("seq", m.markerSeq());
            g.writeStringField("boot_id", m.bootId());
            nullableNumber(g, "from_seq", m.fromSeq());
            nullableNumber(g, "to_seq", m.toSeq());
            g.writeBooleanField("to_seq_given", m.toSeqGiven());
            nullableNumber(g, "count", m.count());
            g.writeStringField("reason", m.reason());
            g.writeStringField("output", m.output());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeFieldName("duplicates");
        g.writeStartObject();
        g.writeNumberField("seqs", a.duplicates().seqs());
        g.writeNumberField("extra_copies", a.duplicateCopies());
        g.writeNumberField("range_count", a.duplicates().rangeCount());
        g.writeFieldName("ranges");
        rangeArray(a.duplicates().ranges(), g);
        g.writeEndObject();
        g.writeArrayFieldStart("boots");
        for (Boot b : a.boots()) {
            g.writeStartObject();
            g.writeStringField("boot_id", b.bootId());
            g.writeNumberField("first_seq", b.firstSeq());
            g.writeNumberField("last_seq", b.lastSeq());
            g.writeNumberField("records", b.records());
            g.writeStringField("first_received_at", string(b.firstReceivedAt()));
            g.writeStringField("last_received_at", string(b.lastReceivedAt()));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("heartbeat_gaps");
        g.writeNumberField("count", a.heartbeatGapCount());
        g.writeArrayFieldStart("gaps");
        for (HeartbeatGap h : a.heartbeatGaps()) {
            g.writeStartObject();
            g.writeStringField("from", h.from().toString());
            g.writeStringField("to", h.to().toString());
            g.writeNumberField("seconds", h.length().toMillis() / 1000.0);
            g.writeNumberField("after_seq", h.afterSeq());
            g.writeNumberField("before_seq", h.beforeSeq());
            g.writeBooleanField("across_restart", h.acrossRestart());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        TimeAnomalies t = a.timeAnomalies();
        g.writeObjectFieldStart("event_time");
        anomaliesJson("regressions", t.regressions(), t.firstRegressions(), g);
        anomaliesJson("future", t.future(), t.firstFuture(), g);
        g.writeNumberField("unparsable", t.unparsableTimes());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void anomaliesJson(String name, long count, List<TimeAnomaly> first, JsonGenerator g)
            throws IOException {
        g.writeObjectFieldStart(name);
        g.writeNumberField("count", count);
        g.writeArrayFieldStart("first");
        for (TimeAnomaly x : first) {
            g.writeStartObject();
            g.writeNumberField("seq", x.seq());
            g.writeStringField("boot_id", x.bootId());
            g.writeStringField("event_time", x.eventTime().toString());
            g.writeStringField("reference", x.reference().toString());
            g.writeNumberField("seconds", x.by().toMillis() / 1000.0);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void rangesJson(RangeList l, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("seqs", l.seqs());
        g.writeNumberField("range_count", l.rangeCount());
        g.writeFieldName("ranges");
        rangeArray(l.ranges(), g);
        g.writeEndObject();
    }

    private static void rangeArray(List<SeqRange> ranges, JsonGenerator g) throws IOException {
        g.writeStartArray();
        for (SeqRange r : ranges) {
            rangeJson(r, g);
        }
        g.writeEndArray();
    }

    private static void rangeJson(SeqRange r, JsonGenerator g) throws IOException {
        g.writeStartArray();
        g.writeNumber(r.from());
        g.writeNumber(r.to());
        g.writeEndArray();
    }

    private static void nullableNumber(JsonGenerator g, String name, Long value) throws IOException {
        g.writeFieldName(name);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeNumber(value);
        }
    }

    private static String string(Instant i) {
        return i == null ? null : i.toString();
    }
}
