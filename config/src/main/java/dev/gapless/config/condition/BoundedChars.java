package dev.gapless.config.condition;

/**
 * The text of one {@code =~} / {@code !~} comparison, with a budget: every character the matcher reads costs one
 * step, and past {@code maxSteps} steps, or once the deadline has passed (looked at every {@link #CLOCK_EVERY}
 * steps), the next read throws {@link Exhausted}. A user's regex that backtracks without end on a hostile field
 * (such as {@code ^(a+)+$} against a long run of {@code a}) so costs at most its budget. Made for one evaluation and
 * used by the thread that evaluates: never shared, so the condition that makes it stays thread-safe.
 */
final class BoundedChars implements CharSequence {

    /** Steps between two looks at the clock: a look costs ~20 ns, a step ~1 ns. */
    static final int CLOCK_EVERY = 4096;

    private final String text;
    private final long deadlineNanos;
    private long stepsLeft;
    private int untilClock = CLOCK_EVERY;

    /**
     * @param maxSteps    characters the matcher may read, in all, before it is stopped
     * @param budgetNanos time it may take, in all, from now
     */
    BoundedChars(String text, long maxSteps, long budgetNanos) {
        this.text = text;
        this.stepsLeft = maxSteps;
        this.deadlineNanos = System.nanoTime() + budgetNanos;
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
        return text.subSequence(start, end); // a condition reads no groups: not on the matcher's path
    }

    @Override
    public String toString() {
        return text;
    }

    /** A match past its budget. One shared instance without a stack trace: it is control flow. */
    static final class Exhausted extends RuntimeException {
        static final Exhausted INSTANCE = new Exhausted();

        private Exhausted() {
            super("the condition's regex match ran out of its budget", null, false, false);
        }
    }
}
