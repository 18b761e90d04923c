/**
 * {@code gapless audit}: reads delivered streams (the envelope of {@code docs/architecture.md},
 * written with {@code codec: json_lines}) and proves them complete per agent, or names what is
 * missing. Reads delivered data only; never the journal.
 *
 * <ol>
 *   <li>A seq missing between an agent's first and last seq seen is a gap. It is <em>declared</em>
 *       where a {@code kind: loss} marker's {@code [from_seq, to_seq]} covers it ({@code to_seq}
 *       null: up to the marker's own seq - 1), <em>undeclared</em> otherwise; a hole partly
 *       covered is split into both.</li>
 *   <li>A first seq above 1 is noted, not counted, unless {@code --expect-from-start}.</li>
 *   <li>The highest heartbeat {@code head_seq} above the last seq seen is a missing tail, always
 *       undeclared.</li>
 *   <li>Per agent, seqs seen, duplicates and declared ranges are {@link dev.gapless.audit.RangeSet}s:
 *       memory follows the number of holes and boots, not of events. Lists in the report are
 *       capped, with full counts.</li>
 *   <li>A line that is no envelope (malformed JSON, missing {@code v}/{@code agent_id}/{@code seq},
 *       invalid UTF-8, an unknown version, longer than {@link dev.gapless.audit.LineReader#MAX_LINE})
 *       is counted and listed by file and line, and the audit goes on.</li>
 *   <li>Event-time checks use {@code kind: event} records only, skipping duplicates: a step back
 *       beyond the bound within one boot, or a time ahead of the audit clock beyond the bound.
 *       Heartbeat gaps use {@code received_at} of heartbeats, sorted by time.</li>
 * </ol>
 */
package dev.gapless.audit;
