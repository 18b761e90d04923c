package dev.gapless.config.load.internal;

import dev.gapless.config.AdminConfig;
import dev.gapless.config.AlertConfig;
import dev.gapless.config.WatchdogConfig;
import dev.gapless.config.WatchdogConfig.RestartBudget;
import dev.gapless.config.WebhookAlertConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Binds the {@code watchdog} section: supervision, probing, the restart budget and the alert channels. */
final class WatchdogBinder {

    private static final List<String> ALERT_TYPES = List.of(WebhookAlertConfig.TYPE);

    private final ConfigReader reader;
    private final Values values;
    private final Problems problems;

    WatchdogBinder(ConfigReader reader, Values values, Problems problems) {
        this.reader = reader;
        this.values = values;
        this.problems = problems;
    }

    /** @param dataDir resolved; the incident journal lives under it unless configured */
    WatchdogConfig bind(Section s, Path dataDir) {
        AdminConfig admin = reader.admin(s.section("admin", "a mapping with listen"), AdminConfig.WATCHDOG_DEFAULT);
        WatchdogConfig.Supervise supervise = s.get("supervise", values.oneOf(WatchdogConfig.Supervise.class),
                WatchdogConfig.DEFAULT_SUPERVISE);
        String systemdUnit = s.get("systemd_unit", values::nonEmpty, WatchdogConfig.DEFAULT_SYSTEMD_UNIT);
        List<String> agentCommand = s.get("agent_command", values::stringList, List.of());
        Duration probeInterval = s.get("probe_interval", values::positiveDuration,
                WatchdogConfig.DEFAULT_PROBE_INTERVAL);
        Duration healthTimeout = s.get("health_timeout", values::positiveDuration,
                WatchdogConfig.DEFAULT_HEALTH_TIMEOUT);
        int unhealthyProbes = s.get("unhealthy_probes", values.integer(1, Integer.MAX_VALUE),
                WatchdogConfig.DEFAULT_UNHEALTHY_PROBES);
        Duration stallTimeout = s.get("stall_timeout", values::positiveDuration, WatchdogConfig.DEFAULT_STALL_TIMEOUT);
        Duration stopTimeout = s.get("stop_timeout", values::positiveDuration, WatchdogConfig.DEFAULT_STOP_TIMEOUT);
        RestartBudget budget = restartBudget(s.section("restart_budget", "a mapping with max and per"));
        Path incidents = s.get("incidents", values::path,
                dataDir.resolve(WatchdogConfig.DEFAULT_INCIDENTS).normalize());
        List<AlertConfig> alerts = alerts(s.list("alerts", "a list of alerts"));
        s.done();
        return new WatchdogConfig(admin, supervise, systemdUnit, agentCommand, probeInterval, healthTimeout,
                unhealthyProbes, stallTimeout, stopTimeout, budget, incidents, alerts);
    }

    private RestartBudget restartBudget(Section s) {
        RestartBudget d = WatchdogConfig.DEFAULT_RESTART_BUDGET;
        RestartBudget budget = new RestartBudget(
                s.get("max", values.integer(0, Integer.MAX_VALUE), d.max()),
                s.get("per", values::positiveDuration, d.per()));
        s.done();
        return budget;
    }

    private List<AlertConfig> alerts(List<Node> items) {
        List<AlertConfig> alerts = new ArrayList<>();
        for (Node item : items) {
            Section.ofItem(item, problems, "an alert: a mapping with type and its settings")
                    .map(this::alert)
                    .ifPresent(alerts::add);
        }
        return alerts;
    }

    /** The alert, or null when it has an error (reported). */
    private AlertConfig alert(Section s) {
        String type = s.required("type", values.oneOf(ALERT_TYPES, "alert type"));
        if (type == null) {
            return null; // its keys cannot be checked without knowing its type
        }
        URI url = s.required("url", values::httpUrl);
        Duration timeout = s.get("timeout", values::positiveDuration, WebhookAlertConfig.DEFAULT_TIMEOUT);
        int maxAttempts = s.get("max_attempts", values.integer(1, Integer.MAX_VALUE),
                WebhookAlertConfig.DEFAULT_MAX_ATTEMPTS);
        Map<String, String> headers = s.get("headers", values::headers, Map.of());
        s.done();
        return url == null ? null : new WebhookAlertConfig(url, timeout, maxAttempts, headers);
    }
}
