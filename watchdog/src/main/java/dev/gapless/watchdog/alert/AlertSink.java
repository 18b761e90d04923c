package dev.gapless.watchdog.alert;

import dev.gapless.watchdog.incident.Incident;

/** Where alerts go. {@link #send} never blocks the probe loop. */
public interface AlertSink extends AutoCloseable {

    void send(Incident incident);

    @Override
    default void close() {
    }
}
