package dev.gapless.config.load.internal;

/** A value that cannot be used, with a message saying what was expected and what was found. */
final class Invalid extends Exception {

    private static final long serialVersionUID = 1L;

    Invalid(String message) {
        super(message, null, false, false);
    }
}
