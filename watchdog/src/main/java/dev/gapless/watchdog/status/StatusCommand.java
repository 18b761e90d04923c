package dev.gapless.watchdog.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.HostPort;
import dev.gapless.watchdog.RunFiles;
import dev.gapless.watchdog.Watchdog;
import dev.gapless.watchdog.incident.IncidentJournal;
import dev.gapless.watchdog.probe.AgentHealth;
import dev.gapless.watchdog.probe.HealthProbe;
import dev.gapless.watchdog.probe.HealthResult;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code gapless status}: the agent's status (and why it is degraded), outputs and inputs from its /health, and the
 * watchdog's latest decisions from the incident journal, as plain tables. Exit code 0 when /health answered, 1 when
 * not.
 */
public final class StatusCommand {

    /** Incidents shown. */
    static final int RECENT = 10;
    /** Incidents read to find the alerts still open (bounded again by IncidentJournal's tail window). */
    static final int OPEN_ALERT_WINDOW = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GaplessConfig config;
    private final PrintStream out;

    public StatusCommand(GaplessConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    public int run() {
        HostPort admin = new RunFiles(config.dataDir()).agentAdmin(config);
        HealthResult r = new HealthProbe(config.watchdog().healthTimeout()).probe(admin);
        if (r.ok()) {
            print(r.health().get(), admin);
        } else {
            out.println("agent  " + admin + "  NOT ANSWERING: " + r.error());
        }
        out.println();
        printIncidents(new IncidentJournal(Watchdog.incidentsPath(config)));
        return r.ok() ? 0 : 1;
    }

    void print(AgentHealth h, HostPort admin) {
        out.printf("agent  %s  status %s  pid %s  up %s  boot %s%n", admin, h.status(), h.pid(),
                age(h.uptimeMs()), h.bootId());
        for (AgentHealth.Degraded d : h.degraded()) {
            String subject = d.output() != null ? " output " + d.output() : d.input() != null ? " input " + d.input()
                    : "";
            out.printf("DEGRADED  %s%s  since %s  %s%n", d.reason(), subject,
                    d.since() == null ? "?" : age(h.now() - d.since()) + " ago", d.detail() == null ? "" : d.detail());
        }
        AgentHealth.Journal j = h.journal();
        out.printf("journal  head_seq %d  durable_seq %d  disk %s of %s%s%n", j.headSeq(), j.durableSeq(),
                bytes(j.diskBytes()), bytes(j.maxBytes()), j.full() ? "  FULL (" + j.fullReason() + ")" : "");
        out.println();
        String of = "%-16s %-5s %10s %10s %9s %10s %10s %12s %8s  %s%n";
        out.printf(of, "OUTPUT", "TYPE", "ACKED", "HEAD", "BACKLOG", "BYTES", "LAST ACK", "LAST ATTEMPT", "FAILURES",
                "LAST ERROR");
        for (Map.Entry<String, AgentHealth.Output> e : h.outputs().entrySet()) {
            AgentHealth.Output o = e.getValue();
            String err = o.lastErrorKind() == null ? "-" : o.lastErrorKind() + ": " + o.lastError();
            if (o.inFlightSince() != null) {
                err = "sending for " + age(h.now() - o.inFlightSince()) + "; " + err;
            }
            out.printf(of, e.getKey(), o.type(), o.ackedSeq(), o.headSeq(), o.backlogEvents(), bytes(o.backlogBytes()),
                    ago(h, o.lastAckAt()), ago(h, o.lastAttemptAt()), o.consecutiveFailures(), err);
        }
        out.println();
        String inf = "%-16s %-5s %10s %10s %12s%n";
        out.printf(inf, "INPUT", "TYPE", "ACCEPTED", "REJECTED", "LAST EVENT");
        for (Map.Entry<String, AgentHealth.Input> e : h.inputs().entrySet()) {
            AgentHealth.Input i = e.getValue();
            out.printf(inf, e.getKey(), i.type(), i.accepted(), i.rejected(), ago(h, i.lastEventAt()));
        }
    }

    private void printIncidents(IncidentJournal journal) {
        List<String> window;
        try {
            window = journal.tail(OPEN_ALERT_WINDOW);
        } catch (IOException e) {
            out.println("watchdog decisions: cannot read " + journal.file() + ": " + e.getMessage());
            return;
        }
        if (window.isEmpty()) {
            out.println("watchdog decisions: none (" + journal.file() + ")");
            return;
        }
        printOpenAlerts(window);
        List<String> lines = window.subList(Math.max(0, window.size() - RECENT), window.size());
        out.println("watchdog decisions (latest " + lines.size() + ", " + journal.file() + "):");
        String f = "%-24s %-24s %-20s %-14s %s%n";
        out.printf(f, "TIME", "DECISION", "CAUSE", "SUBJECT", "ACTION TAKEN");
        for (String line : lines) {
            try {
                JsonNode n = JSON.readTree(line);
                out.printf(f, n.path("time").asText(), n.path("decision").asText(), n.path("cause").asText(),
                        subject(n), n.path("action_taken").asText());
            } catch (IOException e) {
                out.println("(unreadable line) " + line);
            }
        }
    }

    /**
     * Alerts raised and not yet resolved (e.g. {@code destination_slow}: the agent waits on its destination), so an
     * operator sees them however many decisions followed.
     */
    private void printOpenAlerts(List<String> lines) {
        Map<String, JsonNode> open = new LinkedHashMap<>();
        for (String line : lines) {
            try {
                JsonNode n = JSON.readTree(line);
                String key = n.path("cause").asText() + " " + subject(n);
                if ("alert".equals(n.path("decision").asText())) {
                    open.put(key, n);
                } else if ("resolved".equals(n.path("decision").asText())) {
                    open.remove(key);
                }
            } catch (IOException e) {
                // shown as unreadable in the decisions below, if recent
            }
        }
        if (open.isEmpty()) {
            return;
        }
        out.println("open alerts:");
        open.forEach((key, n) -> out.printf("  %-40s since %s%n", key, n.path("time").asText()));
        out.println();
    }

    private static String subject(JsonNode n) {
        return !n.path("output").isNull() && n.has("output") ? "output " + n.path("output").asText()
                : !n.path("input").isNull() && n.has("input") ? "input " + n.path("input").asText() : "-";
    }

    private static String ago(AgentHealth h, Long at) {
        return at == null ? "never" : age(h.now() - at) + " ago";
    }

    static String age(long ms) {
        Duration d = Duration.ofMillis(Math.max(0, ms));
        if (d.toSeconds() < 60) {
            return String.format("%.1fs", ms / 1000.0);
        } else if (d.toMinutes() < 60) {
            return d.toMinutes() + "m" + d.toSecondsPart() + "s";
        } else if (d.toHours() < 48) {
            return d.toHours() + "h" + d.toMinutesPart() + "m";
        }
        return d.toDays() + "d" + d.toHoursPart() + "h";
    }

    static String bytes(long b) {
        String[] u = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int i = 0;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return i == 0 ? b + "B" : String.format("%.1f%s", v, u[i]);
    }
}
