package dev.gapless.agent.output.archive;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of an archive's files: {@code <first seq, 20 digits>-<file number, 8 digits><suffix>}, e.g.
 * {@code 00000000000000001001-00000042.ndjson.zst}, with {@code .open} appended while the file is written. Names
 * sort in the order the files were written: by first seq, and by file number between files that start at the same
 * seq (a batch sent again after a crash).
 */
final class ArchiveNames {

    static final String MANIFEST = "manifest.ndjson";
    static final String OPEN_SUFFIX = ".open";
    private static final Pattern NAME = Pattern.compile("(\\d{20})-(\\d{8,})(\\.ndjson(?:\\.gz|\\.zst)?)(\\.open)?");

    private ArchiveNames() {
    }

    /** A file's name once closed. */
    static String closed(long firstSeq, long number, String suffix) {
        return String.format(Locale.ROOT, "%020d-%08d%s", firstSeq, number, suffix);
    }

    /** What a name says, or empty for a name an archive never makes. */
    static Optional<Parsed> parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Parsed(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(3),
                m.group(4) != null));
    }

    /** The parts of a name: {@code closedName()} drops {@code .open}. */
    record Parsed(long firstSeq, long number, String suffix, boolean open) {
        String closedName() {
            return closed(firstSeq, number, suffix);
        }
    }
}
