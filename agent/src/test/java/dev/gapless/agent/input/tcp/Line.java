package dev.gapless.agent.input.tcp;

/**
 * One framed line as a test sees it, without its newline (and without a trailing carriage return).
 *
 * @param bytes     the line, at most the input's max_line_bytes
 * @param truncated true if the line was longer and was cut
 */
record Line(byte[] bytes, boolean truncated) {
}
