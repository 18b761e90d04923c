package dev.gapless.config.auth;

import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a listener's bearer token is read from when it starts: a file (its content, trimmed) or an environment
 * variable; exactly one is set. The token itself is never in the config, the log or an error. The {@code auth:}
 * section every HTTP listener reads the same way ({@link #read(Settings)}).
 */
public record BearerAuth(Optional<Path> tokenFile, Optional<String> tokenEnv) {

    /** What {@code auth:} is expected to be, for the error when it is not a mapping. */
    public static final String SECTION = "a mapping with token_file or token_env";

    public BearerAuth {
        Objects.requireNonNull(tokenFile, "tokenFile");
        Objects.requireNonNull(tokenEnv, "tokenEnv");
        if (tokenFile.isPresent() == tokenEnv.isPresent()) {
            throw new IllegalArgumentException("exactly one of tokenFile and tokenEnv");
        }
    }

    /**
     * Reads an {@code auth:} section: {@code token_file} or {@code token_env}, not both; a section written but left
     * empty is an error (it must not mean "no authentication").
     *
     * @return empty when not written; null when invalid (reported)
     */
    public static Optional<BearerAuth> read(Settings s) {
        Optional<Path> file = s.optional("token_file", Kind.PATH);
        Optional<String> env = s.optional("token_env", Kind.NON_EMPTY_STRING);
        if (file.isPresent() && env.isPresent()) {
            s.problem("auth takes one of token_file and token_env, not both", "token_env");
            return null;
        }
        if (file.isEmpty() && env.isEmpty()) {
            if (s.written()) {
                s.problem("auth needs token_file or token_env; remove auth to accept requests without a token");
                return null;
            }
            return Optional.empty();
        }
        return Optional.of(new BearerAuth(file, env));
    }
}
