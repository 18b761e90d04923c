package dev.gapless.agent.net;

import dev.gapless.config.auth.BearerAuth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The bearer token a request must carry in {@code Authorization}, compared in constant time (the time taken says
 * nothing of how much of a guess was right). Never printed: {@link #toString()} hides it.
 */
public final class BearerToken {

    /** Every request is accepted. */
    public static final BearerToken NONE = new BearerToken(null);

    private final byte[] expected;

    private BearerToken(byte[] expected) {
        this.expected = expected;
    }

    /**
     * The token an {@code auth:} section names, read once from its file or variable; {@link #NONE} without one.
     *
     * @param who names the listener in errors, which name the file or variable, never the token
     * @throws IOException when the file cannot be read, the variable is not set, or the token is empty or holds
     *                     whitespace
     */
    public static BearerToken from(Optional<BearerAuth> auth, String who) throws IOException {
        if (auth.isEmpty()) {
            return NONE;
        }
        String token;
        String from;
        if (auth.get().tokenFile().isPresent()) {
            from = "token_file " + auth.get().tokenFile().get();
            token = Files.readString(auth.get().tokenFile().get(), StandardCharsets.UTF_8).trim();
        } else {
            from = "token_env " + auth.get().tokenEnv().get();
            token = System.getenv(auth.get().tokenEnv().get());
            if (token == null) {
                throw new IOException(who + ": " + from + " is not set");
            }
            token = token.trim();
        }
        try {
            return of(token);
        } catch (IllegalArgumentException e) {
            throw new IOException(who + ": the token in " + from + " is empty or holds whitespace", e);
        }
    }

    /** @throws IllegalArgumentException if the token is empty or holds whitespace */
    static BearerToken of(String token) {
        if (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the token is empty or holds whitespace");
        }
        return new BearerToken(("Bearer " + token).getBytes(StandardCharsets.UTF_8));
    }

    public boolean required() {
        return expected != null;
    }

    /** Whether an {@code Authorization} header value (null when absent) carries the token. */
    public boolean accepts(String authorization) {
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
