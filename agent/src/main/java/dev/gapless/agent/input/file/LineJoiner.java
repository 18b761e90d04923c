package dev.gapless.agent.input.file;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.config.input.file.FileInputConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;

/**
 * Joins one file's lines into multiline events ({@link FileInputConfig.Multiline}): a line the start pattern finds a
 * match in begins an event, any other continues the held one; the event is its lines joined with {@code \n}, its
 * source position the one of its last line, its tags those of its lines. The last event is held until a line begins
 * the next one, it reaches a bound, it gains no line for the timeout, or its file is finished.
 *
 * <p>Invariant: while an event is held, {@link #from()} is the file offset just before its first line (with whether
 * that offset is inside a line already cut), so a checkpoint taken there rebuilds the very event after a restart;
 * the caller checkpoints no further than that. Bounds: the held event is at most max(max_bytes, max_line_bytes)
 * bytes and max_lines lines (at the bound it is emitted, tagged {@code truncated}); a pattern sees a line's first
 * {@link FileInputConfig.Multiline#MATCH_BYTES} bytes and at most {@link #MATCH_STEPS} character reads, past which
 * the match is abandoned: the line is taken as a continuation and {@link #aborted()} counts it. Only the input's
 * thread.
 */
final class LineJoiner {

    /** Character reads one match may make (about a millisecond); a pattern that backtracks further is abandoned. */
    static final int MATCH_STEPS = 1 << 20;

    private final Matcher matcher;
    private final Budget budget = new Budget();
    private final int maxLines;
    private final int maxBytes;
    private final long timeoutMillis;

    // The held event: its bytes so far, lines, tags, the position just past its last line.
    private byte[] held = new byte[256];
    private int heldBytes;
    private int heldLines;
    private int heldTags;
    private long heldPast;
    private long heldFrom;
    private boolean heldFromDiscarding;
    /** Clock millis when the held event gained its last line. */
    private long lastLineAt;
    // Where the next line begins: just past the last line seen (or where the file was started at).
    private long next;
    private boolean nextDiscarding;
    private long aborted;

    LineJoiner(FileInputConfig.Multiline config) {
        this.matcher = FileInputConfig.Multiline.compile(config.startPattern()).matcher("");
        this.maxLines = config.maxLines();
        this.maxBytes = (int) config.maxBytes().bytes();
        this.timeoutMillis = config.timeout().toMillis();
    }

    /** The file is read again from {@code offset}: what was held will be read again, so it is dropped. */
    void restart(long offset, boolean discarding) {
        heldLines = 0;
        heldBytes = 0;
        heldTags = 0;
        next = offset;
        nextDiscarding = discarding;
    }

    boolean holding() {
        return heldLines > 0;
    }

    /** The offset just before the held event's first line: the furthest a checkpoint may go while it is held. */
    long from() {
        return heldFrom;
    }

    /** Whether {@link #from()} is inside a line already cut (its rest up to the newline is skipped). */
    boolean fromDiscarding() {
        return heldFromDiscarding;
    }

    /** Matches abandoned at {@link #MATCH_STEPS} since this joiner began. */
    long aborted() {
        return aborted;
    }

    /**
     * Joins the lines of {@code lines} (a splitter's output for {@code chunk[0, length)}, which begins at file offset
     * {@code chunkStart}; null for the lines {@code finish} made at the end of a file) into {@code out}.
     */
    void join(MessageBatch lines, byte[] chunk, long chunkStart, int length, MessageBatch out, long nowMillis) {
        byte[] a = lines.array();
        for (int i = 0; i < lines.size(); i++) {
            int at = lines.offset(i);
            int n = lines.length(i);
            long past = lines.position(i);
            boolean begins = heldLines == 0 || starts(a, at, n);
            if (!begins && (heldLines >= maxLines || (long) heldBytes + 1 + n > maxBytes)) {
                emit(out, Tags.TRUNCATED); // at a bound: emitted as it is; this line begins the next event
                begins = true;
            }
            if (begins) {
                emit(out, 0);
                heldFrom = next;
                heldFromDiscarding = nextDiscarding;
            } else {
                ensure(heldBytes + 1 + n);
                held[heldBytes++] = '\n';
            }
            ensure(heldBytes + n);
            System.arraycopy(a, at, held, heldBytes, n);
            heldBytes += n;
            heldLines++;
            heldTags |= lines.tags(i);
            heldPast = past;
            lastLineAt = nowMillis;
            next = past;
            // a line cut at max_line_bytes before its newline ends mid-line: its rest is skipped after a restart
            long last = past - 1 - chunkStart;
            nextDiscarding = chunk != null && last >= 0 && last < length && chunk[(int) last] != '\n';
        }
    }

    /** Emits the held event into {@code out} if it gained no line for the timeout. @return true if it did */
    boolean emitIfIdle(long nowMillis, MessageBatch out) {
        if (heldLines > 0 && nowMillis - lastLineAt >= timeoutMillis) {
            emit(out, 0);
            return true;
        }
        return false;
    }

    /** The file is finished: the held event, if any, goes to {@code out}. */
    void finish(MessageBatch out) {
        emit(out, 0);
    }

    private void emit(MessageBatch out, int moreTags) {
        if (heldLines == 0) {
            return;
        }
        out.add(held, 0, heldBytes, heldTags | moreTags);
        out.positionOfLast(heldPast);
        heldLines = 0;
        heldBytes = 0;
        heldTags = 0;
    }

    private void ensure(int n) {
        if (n > held.length) {
            held = Arrays.copyOf(held, Math.max(n, (int) Math.min(Integer.MAX_VALUE - 16, held.length * 2L)));
        }
    }

    /** Whether the start pattern finds a match in the line's first MATCH_BYTES bytes, within MATCH_STEPS. */
    private boolean starts(byte[] a, int at, int n) {
        budget.text = new String(a, at, Math.min(n, FileInputConfig.Multiline.MATCH_BYTES), StandardCharsets.UTF_8);
        budget.left = MATCH_STEPS;
        try {
            return matcher.reset(budget).find();
        } catch (Exhausted e) {
            aborted++;
            return false;
        } finally {
            matcher.reset("");
        }
    }

    /** The line as the matcher reads it, one budgeted character at a time. */
    private static final class Budget implements CharSequence {
        private String text = "";
        private int left;

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A match past its budget. Without a stack trace: it is control flow, thrown at most once per line. */
    private static final class Exhausted extends RuntimeException {
        Exhausted() {
            super(null, null, false, false);
        }
    }
}
