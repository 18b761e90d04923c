/**
 * Output routing: an output's {@code when:} decides which events it carries; the runs of events it leaves out are
 * declared to the destination by one {@code kind: skipped} record each, so the stream stays auditable by seq.
 */
package dev.gapless.agent.output.route;
