package dev.gapless.config.plugin;

import java.util.Optional;

/**
 * The YAML section of one input or output, as its {@link InputType} or {@link OutputType} binds it. Every value is
 * read through here, so the keys a type asks for are its valid keys: any other key in the section is reported as
 * unknown, with a "did you mean" among them, once the type is done. A bad value is reported at the value and a
 * missing required key at the section, all with file:line:column; binding goes on past them, so every error of a
 * file is found in one pass.
 */
public interface Settings {

    /** The value under {@code key}; null when missing or invalid, either of which is reported. */
    <T> T required(String key, Kind<T> kind);

    /** The value under {@code key}; {@code fallback} when absent or invalid (reported). */
    <T> T get(String key, Kind<T> kind, T fallback);

    /** The value under {@code key}; empty when absent or invalid (reported). */
    <T> Optional<T> optional(String key, Kind<T> kind);

    /** The mapping under {@code key} (an empty one when absent); {@code what} describes it in errors. */
    Settings section(String key, String what);

    /**
     * Whether this section was written in the file, even empty ({@code auth: {}} or a bare {@code auth:}): a type
     * whose empty section would silently mean "off" (an authentication left out) can refuse it.
     */
    boolean written();

    /**
     * Reports a problem that no single value shows (two settings that contradict each other), at the first of
     * {@code keys} that is written, or at the section.
     */
    void problem(String message, String... keys);
}
