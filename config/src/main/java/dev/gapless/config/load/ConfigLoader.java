package dev.gapless.config.load;

import dev.gapless.config.GaplessConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a Gapless YAML file into a {@link GaplessConfig}. Placeholder: the real loader replaces this file.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** Loads {@code file}, substituting {@code ${VAR}} from the process environment. */
    public static GaplessConfig load(Path file) throws ConfigException {
        return load(file, System.getenv());
    }

    /** Loads {@code file}, substituting {@code ${VAR}} and {@code ${VAR:-default}} from {@code env}. */
    public static GaplessConfig load(Path file, Map<String, String> env) throws ConfigException {
        throw new UnsupportedOperationException("not written yet");
    }
}
