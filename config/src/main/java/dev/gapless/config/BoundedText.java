package dev.gapless.config;

import java.util.regex.Matcher;

/**
 * Text for {@code java.util.regex} with a budget: every character the matcher reads costs one step, and past
 * {@code maxSteps} steps, or once the deadline has passed (looked at every {@link #CLOCK_EVERY} steps), the next
 * read throws {@link Exhausted}. A pattern that backtracks without end on hostile input (such as
 * {@code (a+)+$} against a long run of {@code a}) so costs at most its budget, on whatever thread runs it. Reused
 * match after match by one thread; not thread-safe.
 */
public final class BoundedText implements CharSequence {

    /** Steps between two looks at the clock: a look costs ~20 ns, a step ~1 ns. */
    static final int CLOCK_EVERY = 4096;

    private String text = "";
    private long stepsLeft;
    private long deadlineNanos;
    private int untilClock;

    /**
     * Sets the text and a fresh budget for the matches that follow.
     *
     * @param maxSteps    characters the matcher may read, in all, before it is stopped
     * @param budgetNanos time it may take, in all, from now
     */
    public BoundedText reset(String text, long maxSteps, long budgetNanos) {
        this.text = text;
        this.stepsLeft = maxSteps;
        this.deadlineNanos = System.nanoTime() + budgetNanos;
        this.untilClock = CLOCK_EVERY;
        return this;
    }

    /**
     * Runs {@code m.find()} over this text with its budget.
     *
     * @return whether it found a match
     * @throws Exhausted if the budget ran out first, or the stack did (java.util.regex recurses once per repetition
     *                   of a group such as {@code (a|b)+}, so a long enough text overflows any stack): the matcher is
     *                   then reset and holds no match
     */
    public boolean find(Matcher m) {
        try {
            return m.reset(this).find();
        } catch (Exhausted | StackOverflowError e) {
            m.reset("");
            throw Exhausted.INSTANCE;
        }
    }

    /** As {@link #find}, for a match of the whole text. */
    public boolean matches(Matcher m) {
        try {
            return m.reset(this).matches();
        } catch (Exhausted | StackOverflowError e) {
            m.reset("");
            throw Exhausted.INSTANCE;
        }
    }

    /** As {@link #find}, for a match at the start of the region set on {@code m}, which reads this text already. */
    public boolean lookingAt(Matcher m) {
        try {
            return m.lookingAt();
        } catch (StackOverflowError e) {
            throw Exhausted.INSTANCE;
        }
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public char charAt(int index) {
        if (--stepsLeft < 0) {
            throw Exhausted.INSTANCE;
        }
        if (--untilClock == 0) {
            untilClock = CLOCK_EVERY;
            if (System.nanoTime() - deadlineNanos > 0) {
                throw Exhausted.INSTANCE;
            }
        }
        return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.subSequence(start, end); // group() text: read once, after the match, not by the matcher
    }

    @Override
    public String toString() {
        return text;
    }

    /** A match past its budget. One shared instance without a stack trace: it is control flow. */
    public static final class Exhausted extends RuntimeException {
        static final Exhausted INSTANCE = new Exhausted();

        private Exhausted() {
            super("the match ran out of its budget", null, false, false);
        }
    }
}
