package dev.gapless.config.load;

import dev.gapless.config.GaplessConfig;
import dev.gapless.config.load.internal.ConfigReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads a Gapless YAML file into a {@link GaplessConfig}, or fails with every problem in it at once,
 * each with file:line:column, the key's path, what was expected and what was found. Relative paths in
 * the file resolve against the file's directory, so a config means the same from any working directory.
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
        String text;
        try {
            text = Files.readString(file);
        } catch (CharacterCodingException e) {
            throw fileError(file, "the file is not valid UTF-8");
        } catch (IOException e) {
            throw fileError(file, "cannot read the file: " + e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), dir, env);
    }

    /**
     * Reads YAML given as text, as {@link #load(Path, Map)} reads a file.
     *
     * @param fileName names the file in errors
     * @param baseDir  relative paths resolve against it, as against a file's directory
     */
    public static GaplessConfig parse(String text, String fileName, Path baseDir, Map<String, String> env)
            throws ConfigException {
        return ConfigReader.read(text, fileName, baseDir, env);
    }

    private static ConfigException fileError(Path file, String message) {
        return new ConfigException(List.of(new ConfigError(file.toString(), 0, 0, "", message)));
    }
}
