package dev.gapless.config.filter.grok;

import dev.gapless.config.plugin.FilterCommon;
import dev.gapless.config.plugin.FilterType;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code type: grok}. Everything about its expressions is checked here, at load: each pattern file's lines, each
 * user definition (an unknown {@code %{NAME}}, a cycle, a regex that does not compile) and each expression, so
 * {@code gapless check} names the place.
 */
public final class GrokFilterType implements FilterType<GrokFilterConfig> {

    public static final String NAME = "grok";
    public static final GrokFilterType INSTANCE = new GrokFilterType();

    /** The largest pattern file read: a pattern file is a few KiB of definitions, never a data file. */
    static final long MAX_PATTERN_FILE_BYTES = 1024 * 1024;

    private GrokFilterType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<GrokFilterConfig> configClass() {
        return GrokFilterConfig.class;
    }

    @Override
    public GrokFilterConfig bind(Settings s, FilterCommon c) {
        boolean ok = true;
        Map<String, String> definitions = new LinkedHashMap<>(GrokLibrary.definitions());
        // Where each user definition was written, for its errors: "file:line" or the patterns entry's name.
        Map<String, String> fromFile = new LinkedHashMap<>();
        for (Path file : s.get("pattern_files", Kind.PATH_LIST, List.of())) {
            try {
                if (Files.size(file) > MAX_PATTERN_FILE_BYTES) {
                    s.problem("pattern file " + file + " is larger than " + MAX_PATTERN_FILE_BYTES + " bytes",
                            "pattern_files");
                    ok = false;
                    continue;
                }
                for (PatternFile.Definition d : PatternFile.parse(Files.readString(file), file.toString())) {
                    definitions.put(d.name(), d.expression());
                    fromFile.put(d.name(), file + ":" + d.line());
                }
            } catch (IOException e) {
                s.problem("cannot read pattern file " + file + ": " + e, "pattern_files");
                ok = false;
            } catch (GrokException e) {
                s.problem(e.getMessage(), "pattern_files");
                ok = false;
            }
        }
        Map<String, String> inline = s.get("patterns", Kind.STRING_MAP, Map.of());
        Settings inlineAt = s.section("patterns", "grok pattern definitions: NAME: expression");
        for (Map.Entry<String, String> d : inline.entrySet()) {
            inlineAt.get(d.getKey(), Kind.STRING, null); // known: its errors are reported at it
            if (!PatternFile.NAME.matcher(d.getKey()).matches()) {
                inlineAt.problem("'" + d.getKey() + "' is not a pattern name (letters, digits and _)", d.getKey());
                ok = false;
            }
            definitions.put(d.getKey(), d.getValue());
            fromFile.remove(d.getKey());
        }
        GrokCompiler compiler = new GrokCompiler(definitions);
        // Every user definition compiles, used or not: a mistake shows now, not when an expression first uses it.
        for (String name : definitions.keySet()) {
            boolean inPatterns = inline.containsKey(name);
            if (!inPatterns && !fromFile.containsKey(name)) {
                continue;
            }
            try {
                compiler.compile("%{" + name + "}");
            } catch (GrokException e) {
                ok = false;
                if (inPatterns) {
                    inlineAt.problem("pattern " + name + ": " + e.getMessage(), name);
                } else {
                    s.problem(fromFile.get(name) + ": pattern " + name + ": " + e.getMessage(), "pattern_files");
                }
            }
        }
        MatchConfig match = MatchConfig.bind(s, GrokFilterConfig.DEFAULT_TAG_ON_FAILURE, compiler::compileWithPlan);
        if (!ok || match == null || c.id() == null) {
            return null;
        }
        return new GrokFilterConfig(c.id(), c.when(), match);
    }
}
