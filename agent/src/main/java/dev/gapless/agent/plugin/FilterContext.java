package dev.gapless.agent.plugin;

import dev.gapless.agent.filter.FilterStats;
import java.time.Clock;

/**
 * What a filter is built with.
 *
 * @param stats the filter's counters (its id and type in them)
 * @param clock the agent's clock (a sampling window, a date without a year)
 */
public record FilterContext(FilterStats stats, Clock clock) {
}
