package dev.gapless.watchdog.alert;

import dev.gapless.watchdog.incident.Incident;
import dev.gapless.watchdog.policy.Action;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts in the watchdog's own log: ERROR when an operator must act (an alert the watchdog cannot
 * fix, a spent budget), WARN for a repair the watchdog made, INFO for a resolution or a record.
 */
public final class LogAlertSink implements AlertSink {

    private static final Logger LOG = LoggerFactory.getLogger("dev.gapless.watchdog.alert");

    @Override
    public void send(Incident incident) {
        Action a = incident.decision().action();
        String line = incident.toJsonLine();
        if (a == Action.ALERT) {
            LOG.error("ALERT {}", line);
        } else if (a.restarts()) {
            LOG.warn("RESTART {}", line);
        } else {
            LOG.info("{} {}", a.wireName().toUpperCase(java.util.Locale.ROOT), line);
        }
    }
}
