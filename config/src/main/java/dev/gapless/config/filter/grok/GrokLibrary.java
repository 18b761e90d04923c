package dev.gapless.config.filter.grok;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The grok patterns Gapless ships: pattern files on the class path beside this class, one per group. Their names,
 * and the capture names of the patterns that capture, are those Logstash's (non-ECS) patterns use, so expressions
 * written for it carry over; the expressions are this project's own.
 */
public final class GrokLibrary {

    /** The shipped pattern files, in the order their definitions are listed. */
    public static final List<String> GROUPS = List.of("base", "time", "syslog", "http");

    /**
     * One shipped definition.
     *
     * @param group      the file it is in ({@code base}, {@code http} ...)
     * @param definition its name, expression and description
     */
    public record Entry(String group, PatternFile.Definition definition) {
    }

    private static final List<Entry> ENTRIES = load();
    private static final Map<String, String> DEFINITIONS = definitionsOf(ENTRIES);

    private GrokLibrary() {
    }

    /** Every shipped definition, group by group, in file order. */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    /** Every shipped name with its expression. */
    public static Map<String, String> definitions() {
        return DEFINITIONS;
    }

    private static List<Entry> load() {
        List<Entry> out = new ArrayList<>();
        for (String group : GROUPS) {
            String file = group + ".grok";
            try (InputStream in = GrokLibrary.class.getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalStateException("the grok library file " + file + " is missing");
                }
                for (PatternFile.Definition d : PatternFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                        file)) {
                    out.add(new Entry(group, d));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GrokException e) {
                throw new IllegalStateException("the shipped grok library does not parse: " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    private static Map<String, String> definitionsOf(List<Entry> entries) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (out.put(e.definition().name(), e.definition().expression()) != null) {
                throw new IllegalStateException("the shipped grok library defines " + e.definition().name() + " twice");
            }
        }
        return Collections.unmodifiableMap(out);
    }
}
