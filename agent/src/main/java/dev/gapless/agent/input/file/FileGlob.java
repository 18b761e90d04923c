package dev.gapless.agent.input.file;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The files a file input's {@code path} matches: a literal path, or a glob in Java's syntax ({@code *}, {@code ?},
 * {@code [..]} and {@code {a,b}} stay within a name, {@code **} crosses folders). The walk starts at the longest
 * literal folder of the pattern and goes only as deep as the pattern can match (any depth with {@code **}); it follows
 * no folder links, but a matched file that is a link is followed to a regular file. {@code exclude} patterns without a
 * {@code /} are matched against the file's name, those with one against its whole path.
 */
final class FileGlob {

    private static final String META = "*?[{";

    private final Path pattern;
    private final Path base;
    private final int depth;
    private final PathMatcher include;
    private final List<PathMatcher> excludeNames = new ArrayList<>();
    private final List<PathMatcher> excludePaths = new ArrayList<>();

    FileGlob(Path pattern, List<String> exclude) {
        this.pattern = pattern.toAbsolutePath().normalize();
        Path b = this.pattern.getRoot();
        int literal = 0;
        int names = this.pattern.getNameCount();
        while (literal < names - 1 && !isGlob(this.pattern.getName(literal).toString())) {
            b = b.resolve(this.pattern.getName(literal));
            literal++;
        }
        this.base = b;
        this.depth = this.pattern.toString().contains("**") ? Integer.MAX_VALUE : names - literal;
        this.include = FileSystems.getDefault().getPathMatcher("glob:" + escapeIfLiteral(this.pattern.toString()));
        for (String e : exclude) {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + e);
            (e.contains("/") ? excludePaths : excludeNames).add(m);
        }
    }

    private static boolean isGlob(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (META.indexOf(name.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static String escapeIfLiteral(String p) {
        return p.replace("\\", "\\\\");
    }

    /** The folder the walk starts at: where a file rotated out of a literal path is looked for after a restart. */
    Path base() {
        return base;
    }

    boolean excluded(Path file) {
        Path name = file.getFileName();
        for (PathMatcher m : excludeNames) {
            if (name != null && m.matches(name)) {
                return true;
            }
        }
        for (PathMatcher m : excludePaths) {
            if (m.matches(file)) {
                return true;
            }
        }
        return false;
    }

    boolean matches(Path file) {
        return include.matches(file) && !excluded(file);
    }

    /**
     * The regular files matched now, in path order, at most {@code limit} (the walk stops there). A folder that
     * cannot be read is passed over; a missing base folder matches nothing.
     */
    List<Path> match(int limit) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(base)) {
            return out;
        }
        Files.walkFileTree(base, EnumSet.noneOf(FileVisitOption.class), depth,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (matches(file) && (attrs.isRegularFile() || attrs.isSymbolicLink()
                                && Files.isRegularFile(file))) {
                            out.add(file);
                            if (out.size() >= limit) {
                                return FileVisitResult.TERMINATE;
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE; // unreadable or gone meanwhile: not followed this scan
                    }
                });
        out.sort(null);
        return out;
    }

    @Override
    public String toString() {
        return pattern.toString();
    }
}
