package dev.gapless.audit;

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
import dev.gapless.audit.AuditReport.Verdict;
import dev.gapless.config.Durations;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Renders an {@link AuditReport}: a table for people ({@link #writeTable}) or JSON for machines
 * ({@link #writeJson}, the shape documented in {@code docs/audit.md}). The table shows the first
 * few entries of long lists; the JSON carries everything the report holds.
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
        if (a.skippedRecords() > 0) {
            row(out, "skipped", a.skippedByRouting() + " by routing (" + plural(a.skippedRecords(),
                    "skipped record") + ")");
        }
        if (a.skippedButDelivered().seqs() > 0) {
            row(out, "contradictions", a.skippedButDelivered().seqs() + " delivered although declared skipped: "
                    + a.skippedButDelivered());
        }
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
                        human(g.length()), g.from(), g.to(), g.afterSeq(),
                        g.acrossRestart() ? ", across a restart" : "");
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
        out.printf(Locale.ROOT, "%s%s  %-36s  %-21s  %9s  %s%n", INDENT, INDENT, "BOOT_ID", "SEQS", "RECORDS",
                "RECEIVED");
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

    /** The report as one JSON object (pretty-printed), in the shape {@code docs/audit.md} documents. */
    public static void writeJson(AuditReport r, Writer w) {
        JsonReportWriter.write(r, w);
    }
}
