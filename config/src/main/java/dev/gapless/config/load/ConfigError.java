package dev.gapless.config.load;

/**
 * One problem in a config file.
 *
 * @param file    the file's path as given
 * @param line    1-based line, 0 when unknown
 * @param column  1-based column, 0 when unknown
 * @param path    the key's path, e.g. {@code outputs[1].url}
 * @param message what was expected and what was found, with a "did you mean" where one fits
 */
public record ConfigError(String file, int line, int column, String path, String message) {

    /**
     * {@code config.yaml:12:5: outputs[1].url: expected a URL, got 'x'}; {@code config.yaml: message} for a
     * problem of the whole file (line 0), such as one that cannot be read.
     */
    @Override
    public String toString() {
        return file + (line == 0 ? "" : ":" + line + ":" + column) + ": " + (path.isEmpty() ? "" : path + ": ")
                + message;
    }
}
