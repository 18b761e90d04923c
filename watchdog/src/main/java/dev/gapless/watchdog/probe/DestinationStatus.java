package dev.gapless.watchdog.probe;

/**
 * The watchdog's own view of one output's destination, probed from the watchdog process.
 *
 * @param reachable whether the destination answered (any HTTP status counts) or accepted a connection
 * @param detail    what was probed and, on failure, why, e.g. {@code tcp 10.0.0.5:5170: Connection refused}
 */
public record DestinationStatus(boolean reachable, String detail) {
}
