package dev.gapless.config.condition;

/** A condition that does not parse: what is wrong, and at which character. */
public final class ConditionSyntaxException extends Exception {

    private final int index;

    ConditionSyntaxException(String message, int index) {
        super(message);
        this.index = index;
    }

    /** The 0-based index in the condition's text of the character where it went wrong. */
    public int index() {
        return index;
    }
}
