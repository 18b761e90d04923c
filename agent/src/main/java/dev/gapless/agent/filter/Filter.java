package dev.gapless.agent.filter;

/**
 * One step of the filter chain, built by its {@link dev.gapless.agent.plugin.FilterFactory} from its config record.
 * The chain calls it for each event its {@code when:} holds for, on the thread of the sender that offered the event
 * (a connection's event loop, a tailer): one instance serves every sender at once, so it must be thread-safe (keep
 * per-call state on the stack, or in a {@link ThreadLocal}).
 *
 * <p>A filter that cannot do its work on an event (no match, no parse) tags it, counts it in
 * {@link FilterStats#failures} and keeps it: nothing is dropped silently. Only a filter whose purpose is dropping
 * ({@code drop}, {@code sample}) returns false. An exception escaping {@link #apply} does not stop the chain: the
 * event passes on tagged {@code _filter_error}, counted and logged at a bounded rate.
 */
public interface Filter {

    /**
     * Works on one event.
     *
     * @return true to pass it on; false to drop it (counted in the filter's {@link FilterStats#dropped}, apart from
     *         losses: it never reaches the journal and takes no sequence number)
     */
    boolean apply(FilterEvent event);
}
