package dev.gapless.agent.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gapless.agent.audit.AuditReport.AgentReport;
import dev.gapless.agent.audit.AuditReport.Boot;
import dev.gapless.agent.audit.AuditReport.FileSummary;
import dev.gapless.agent.audit.AuditReport.GarbageLine;
import dev.gapless.agent.audit.AuditReport.HeartbeatGap;
import dev.gapless.agent.audit.AuditReport.LossMarker;
import dev.gapless.agent.audit.AuditReport.RangeList;
import dev.gapless.agent.audit.AuditReport.SeqRange;
import dev.gapless.agent.audit.AuditReport.TimeAnomalies;
import dev.gapless.agent.audit.AuditReport.TimeAnomaly;
import dev.gapless.agent.audit.AuditReport.Verdict;
import dev.gapless.config.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Renders an {@link AuditReport}: a table for people ({@link #writeTable}) or JSON for machines
 * ({@link #writeJson}, the shape documented in {@code docs/audit.md}). The table shortens long
 * lists; the JSON carries everything the report holds.
 */
public final class ReportWriter {

    // ranges, losses, gaps and boots shown in the table before "and N more"
    private static final int TABLE_ROWS = 10;
    private static final String INDENT = "  ";

    private ReportWriter() {
    }

    public static void writeTable(AuditReport r, PrintWriter out) {
        long lines = r.files().stream().mapToLong(FileSummary::lines).sum();
        out.printf(Locale.ROOT, "Gapless audit: %s, %s, %s (audited at %s)%n",
                plural(r.files().size(), "file"), plural(lines, "line"), plural(r.agents().size(), "agent"),
                r.auditedAt());
        out.printf(Locale.ROOT, "Verdict: %s (exit %d)%n", verdictText(r.verdict()), r.exitCode());
        for (AgentReport a : r.agents()) {
            out.println();
            writeAgent(a, r.settings(), out);
        }
        if (r.garbage().count() > 0) {
            out.println();
            out.printf(Locale.ROOT, "Garbage lines: %d%s%n", r.garbage().count(),
                    r.garbage().count() > r.garbage().first().size()
                            ? " (first " + r.garbage().first().size() + " shown)" : "");
            for (GarbageLine g : r.garbage().first()) {
                out.printf(Locale.ROOT, "%s%s:%d  %s%n", INDENT, g.file(), g.line(), g.reason());
            }
        }
        if (!r.errors().isEmpty()) {
            out.println();
            out.println("Cannot audit:");
            for (String e : r.errors()) {
                out.printf(Locale.ROOT, "%s%s%n", INDENT, e);
            }
        }
        out.flush();
    }

    private static void writeAgent(AgentReport a, AuditReport.Settings s, PrintWriter out) {
        out.printf(Locale.ROOT, "Agent %s: %s%n", a.agentId(), verdictText(a.verdict()));
        row(out, "seqs", a.firstSeq() + "-" + a.lastSeq() + ", " + a.seen().seqs() + " seen"
                + (a.startsAtSeq() != null ? "; starts at seq " + a.startsAtSeq() : ""));
        row(out, "records", a.records() + " (" + plural(a.events(), "event") + ", "
                + plural(a.heartbeats(), "heartbeat") + ", " + plural(a.lossMarkerCount(), "loss marker")
                + (a.duplicateCopies() > 0 ? ", " + plural(a.duplicateCopies(), "duplicate copy", "duplicate copies")
                : "") + ")");
        row(out, "undeclared", missing(a.undeclared()));
        row(out, "declared", missing(a.declared()));
        row(out, "missing tail", a.missingTail() == null ? "none"
                : a.missingTail().size() + " missing: " + a.missingTail()
                        + " (last heartbeat's head_seq is " + a.missingTail().to() + ")");
        if (a.lossMarkerCount() == 0) {
            row(out, "loss markers", "none");
        } else {
            row(out, "loss markers", Long.toString(a.lossMarkerCount()));
            List<LossMarker> shown = a.lossMarkers().subList(0, Math.min(TABLE_ROWS, a.lossMarkers().size()));
            for (LossMarker m : shown) {
                String range = m.fromSeq() == null ? "range unknown" : new SeqRange(m.fromSeq(), m.toSeq()).toString();
                out.printf(Locale.ROOT, "%s%s  seq %d declares %s%s, %s%s%n", INDENT, INDENT, m.markerSeq(), range,
                        m.count() == null ? "" : " (" + plural(m.count(), "event") + ")",
                        m.reason() == null ? "no reason given" : m.reason(),
                        m.output() == null ? "" : " by output " + m.output());
            }
            more(out, a.lossMarkerCount() - shown.size(), "loss marker");
        }
        row(out, "duplicates", a.duplicates().isEmpty() ? "none"
                : a.duplicates().seqs() + " seqs delivered more than once: " + ranges(a.duplicates()));
        String gapBound = Durations.format(s.heartbeatGap());
        if (a.heartbeatGapCount() == 0) {
            row(out, "heartbeat gaps", "none over " + gapBound);
        } else {
            row(out, "heartbeat gaps", a.heartbeatGapCount() + " over " + gapBound);
            List<HeartbeatGap> shown = a.heartbeatGaps().subList(0, Math.min(TABLE_ROWS, a.heartbeatGaps().size()));
            for (HeartbeatGap g : shown) {
                out.printf(Locale.ROOT, "%s%s  %s silent, %s to %s (after seq %d)%s%n", INDENT, INDENT,
                        human(g.length()), g.from(), g.to(), g.afterSeq(), g.acrossRestart() ? ", across a restart" : "");
            }
            more(out, a.heartbeatGapCount() - shown.size(), "gap");
        }
        TimeAnomalies t = a.timeAnomalies();
        timeRow(out, "time went back", t.regressions(), t.firstRegressions(),
                "by over " + Durations.format(s.maxTimeRegression()) + " within a boot", "before the previous event");
        timeRow(out, "future times", t.future(), t.firstFuture(),
                "over " + Durations.format(s.maxFuture()) + " ahead of the audit clock", "ahead of the audit clock");
        if (t.unparsableTimes() > 0) {
            row(out, "bad timestamps", t.unparsableTimes() + " event_time or received_at values are no RFC 3339 time");
        }
        row(out, "boots", Integer.toString(a.boots().size()));
        out.printf(Locale.ROOT, "%s%s  %-36s  %-21s  %9s  %s%n", INDENT, INDENT, "BOOT_ID", "SEQS", "RECORDS", "RECEIVED");
        List<Boot> boots = a.boots().subList(0, Math.min(TABLE_ROWS, a.boots().size()));
        for (Boot b : boots) {
            out.printf(Locale.ROOT, "%s%s  %-36s  %-21s  %9d  %s%n", INDENT, INDENT,
                    b.bootId().isEmpty() ? "(none)" : b.bootId(), b.firstSeq() + "-" + b.lastSeq(), b.records(),
                    b.firstReceivedAt() == null ? "-" : b.firstReceivedAt() + " .. " + b.lastReceivedAt());
        }
        more(out, a.boots().size() - boots.size(), "boot");
    }

    private static void timeRow(PrintWriter out, String label, long count, List<TimeAnomaly> first, String what,
                                String relation) {
        if (count == 0) {
            row(out, label, "none " + what);
            return;
        }
        row(out, label, count + " " + what);
        List<TimeAnomaly> shown = first.subList(0, Math.min(TABLE_ROWS, first.size()));
        for (TimeAnomaly x : shown) {
            out.printf(Locale.ROOT, "%s%s  seq %d at %s, %s %s (%s)%n", INDENT, INDENT, x.seq(), x.eventTime(),
                    human(x.by()), relation, x.reference());
        }
        more(out, count - shown.size(), "more");
    }

    private static void row(PrintWriter out, String label, String text) {
        out.printf(Locale.ROOT, "%s%-15s %s%n", INDENT, label, text);
    }

    private static void more(PrintWriter out, long n, String what) {
        if (n > 0) {
            out.printf(Locale.ROOT, "%s%s  ... and %d more (see --json)%n", INDENT, INDENT, n);
        }
    }

    private static String missing(RangeList l) {
        return l.isEmpty() ? "none" : l.seqs() + " missing: " + ranges(l);
    }

    private static String ranges(RangeList l) {
        StringBuilder sb = new StringBuilder();
        int shown = Math.min(TABLE_ROWS, l.ranges().size());
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(l.ranges().get(i));
        }
        if (l.rangeCount() > shown) {
            sb.append(", ... and ").append(l.rangeCount() - shown).append(" more ranges (see --json)");
        }
        return sb.toString();
    }

    private static String verdictText(Verdict v) {
        switch (v) {
            case COMPLETE:
                return "COMPLETE";
            case DECLARED_LOSS_ONLY:
                return "DECLARED LOSS ONLY";
            case UNDECLARED_GAPS:
                return "UNDECLARED GAPS";
            default:
                return "CANNOT AUDIT";
        }
    }

    private static String plural(long n, String one) {
        return plural(n, one, one + "s");
    }

    private static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** {@code 2h 5m 3s}, {@code 95s} as {@code 1m 35s}; below a second, milliseconds. */
    static String human(Duration d) {
        long s = d.getSeconds();
        if (s == 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder sb = new StringBuilder();
        long days = s / 86_400;
        long hours = s % 86_400 / 3600;
        long minutes = s % 3600 / 60;
        long seconds = s % 60;
        if (days > 0) {
            sb.append(days).append("d ");
        }
        if (hours > 0) {
            sb.append(hours).append("h ");
        }
        if (minutes > 0) {
            sb.append(minutes).append("m ");
        }
        if (seconds > 0 || sb.length() == 0) {
            sb.append(seconds).append("s ");
        }
        return sb.toString().trim();
    }

    public static void writeJson(AuditReport r, Writer w) {
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
