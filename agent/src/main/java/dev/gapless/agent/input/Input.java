package dev.gapless.agent.input;

/**
 * A source of events. It owns its sockets and threads, offers its events to an {@link IngestPort} (never to the
 * journal itself), and acknowledges a source only once the port said the events are durable.
 */
public interface Input extends AutoCloseable {

    /** Starts accepting; returns once the input is ready (e.g. its socket is bound). */
    void start() throws Exception;

    InputStats stats();

    /** The address a listening input actually bound, or null. */
    default String boundAddress() {
        return null;
    }

    /** Stops accepting and releases everything; what was accepted is in the journal already. */
    @Override
    void close();
}
