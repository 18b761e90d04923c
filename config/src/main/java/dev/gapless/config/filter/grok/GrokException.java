package dev.gapless.config.filter.grok;

/** A grok expression, pattern definition or pattern file that cannot be used; the message says what and where. */
public final class GrokException extends Exception {

    private static final long serialVersionUID = 1L;

    public GrokException(String message) {
        super(message);
    }
}
