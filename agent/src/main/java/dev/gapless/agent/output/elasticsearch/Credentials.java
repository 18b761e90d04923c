package dev.gapless.agent.output.elasticsearch;

import dev.gapless.config.output.elasticsearch.ElasticsearchOutputConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * The {@code Authorization} header an output's credentials make, read from their files when the output is built
 * (never held in the config, never logged, never in a message).
 */
final class Credentials {

    /** A password or key file larger than this is not one. */
    static final long MAX_FILE_BYTES = 64 * 1024;

    private Credentials() {
    }

    /** @throws IOException naming the file and what is wrong with it, never its content */
    static Optional<String> authorization(Optional<ElasticsearchOutputConfig.Auth> auth) throws IOException {
        if (auth.isEmpty()) {
            return Optional.empty();
        }
        if (auth.get() instanceof ElasticsearchOutputConfig.Basic basic) {
            String password = read(basic.passwordFile(), "password_file");
            String pair = basic.user() + ":" + password;
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        ElasticsearchOutputConfig.ApiKey key = (ElasticsearchOutputConfig.ApiKey) auth.get();
        return Optional.of("ApiKey " + read(key.file(), "api_key_file"));
    }

    private static String read(Path file, String what) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new IOException(what + " " + file + " cannot be read: " + e.getClass().getSimpleName(), e);
        }
        if (size > MAX_FILE_BYTES) {
            throw new IOException(what + " " + file + " is " + size + " bytes: not a secret (at most "
                    + MAX_FILE_BYTES + ")");
        }
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
            throw new IOException(what + " " + file + " is empty");
        }
        if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            throw new IOException(what + " " + file + " holds more than one line");
        }
        return s;
    }
}
