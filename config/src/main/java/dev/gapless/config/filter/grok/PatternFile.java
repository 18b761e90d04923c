package dev.gapless.config.filter.grok;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The text of a grok pattern file: one {@code NAME expression} per line, the name and expression apart by spaces or
 * tabs. Blank lines and lines starting with {@code #} are skipped; a {@code ##} line describes the definition under
 * it (the shipped library's table in the README is made from these). A name is defined once per file.
 */
public final class PatternFile {

    /** What a pattern name may be: what {@code %{NAME}} refers to. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

    /**
     * One definition.
     *
     * @param name        what {@code %{NAME}} refers to
     * @param expression  the grok expression it stands for
     * @param description the {@code ##} lines above it, joined (empty when none)
     * @param line        its line in the file, from 1
     */
    public record Definition(String name, String expression, String description, int line) {
    }

    private PatternFile() {
    }

    /**
     * Parses a file's text.
     *
     * @param file how errors name the file
     * @throws GrokException at the first bad line, as {@code file:line: what is wrong}
     */
    public static List<Definition> parse(String text, String file) throws GrokException {
        List<Definition> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        StringBuilder description = new StringBuilder();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("##")) {
                description.append(description.length() == 0 ? "" : " ").append(line.substring(2).strip());
                continue;
            }
            if (line.isEmpty() || line.startsWith("#")) {
                description.setLength(0);
                continue;
            }
            int space = 0;
            while (space < line.length() && line.charAt(space) != ' ' && line.charAt(space) != '\t') {
                space++;
            }
            String name = line.substring(0, space);
            String expression = line.substring(space).strip();
            String where = file + ":" + (i + 1) + ": ";
            if (!NAME.matcher(name).matches()) {
                throw new GrokException(where + "'" + name + "' is not a pattern name (letters, digits and _)");
            }
            if (expression.isEmpty()) {
                throw new GrokException(where + "expected NAME followed by an expression, got only '" + name + "'");
            }
            if (!seen.add(name)) {
                throw new GrokException(where + "pattern " + name + " is defined twice in this file");
            }
            out.add(new Definition(name, expression, description.toString(), i + 1));
            description.setLength(0);
        }
        return out;
    }
}
