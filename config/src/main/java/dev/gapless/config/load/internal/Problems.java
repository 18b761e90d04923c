package dev.gapless.config.load.internal;

import dev.gapless.config.load.ConfigError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Every error found in one file, collected rather than thrown so that a single run reports them all. */
final class Problems {

    private final String file;
    private final List<ConfigError> errors = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    void add(Node.Mark at, String path, String message) {
        errors.add(new ConfigError(file, at.line(), at.column(), path, message));
    }

    void add(Node at, String message) {
        add(at.mark(), at.path(), message);
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** In file order, as a reader fixes them. */
    List<ConfigError> sorted() {
        List<ConfigError> out = new ArrayList<>(errors);
        out.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
        return out;
    }
}
