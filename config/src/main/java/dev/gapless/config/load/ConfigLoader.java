package dev.gapless.config.load;

import dev.gapless.config.GaplessConfig;
import dev.gapless.config.load.internal.ConfigReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (FileSystemException e) {
            throw fileError(file, 0, 0, "cannot read the config: " + FileProblems.problem(e));
        } catch (IOException e) {
            // e.g. "Is a directory": a plain IOException without the path
            throw fileError(file, 0, 0, "cannot read the config: " + FileProblems.oneLine(e).toLowerCase(Locale.ROOT));
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = utf8.decode(in, out, true);
        if (r.isError()) {
            int at = in.position(); // the first byte that is not UTF-8
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            int column = new String(bytes, lineStart, at - lineStart, StandardCharsets.UTF_8).length() + 1;
            throw fileError(file, line, column, String.format(Locale.ROOT,
                    "the config is not valid UTF-8: byte 0x%02X cannot start or continue a character", bytes[at]));
        }
        utf8.flush(out);
        Path dir = file.toAbsolutePath().getParent();
        return parse(out.flip().toString(), file.toString(), dir, env);
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

    private static ConfigException fileError(Path file, int line, int column, String message) {
        return new ConfigException(List.of(new ConfigError(file.toString(), line, column, "", message)));
    }
}
