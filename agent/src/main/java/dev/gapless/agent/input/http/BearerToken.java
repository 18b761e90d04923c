package dev.gapless.agent.input.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The bearer token a request must carry in {@code Authorization}, compared in constant time (the time taken says
 * nothing of how much of a guess was right). Never printed: {@link #toString()} hides it.
 */
final class BearerToken {

    /** Every request is accepted. */
    static final BearerToken NONE = new BearerToken(null);

    private final byte[] expected;

    private BearerToken(byte[] expected) {
        this.expected = expected;
    }

    /** @throws IllegalArgumentException if the token is empty or holds whitespace */
    static BearerToken of(String token) {
        if (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the token is empty or holds whitespace");
        }
        return new BearerToken(("Bearer " + token).getBytes(StandardCharsets.UTF_8));
    }

    boolean required() {
        return expected != null;
    }

    /** Whether an {@code Authorization} header value (null when absent) carries the token. */
    boolean accepts(String authorization) {
        if (expected == null) {
            return true;
        }
        byte[] given = authorization == null ? new byte[0] : authorization.trim().getBytes(StandardCharsets.UTF_8);
        // the scheme is case-insensitive: compare it as the expected one is written
        if (given.length >= 7 && new String(given, 0, 7, StandardCharsets.US_ASCII).equalsIgnoreCase("Bearer ")) {
            System.arraycopy(expected, 0, given, 0, 7);
        }
        return MessageDigest.isEqual(expected, given);
    }

    @Override
    public String toString() {
        return expected == null ? "no token" : "a bearer token";
    }
}
