package dev.gapless.agent.output.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks an archive directory against its manifest: the chain of entries (none removed, reordered or edited), each
 * file's size and SHA-256, the HMACs when a key is given, and that no file is there that the manifest does not list
 * (but the one being written). It never stops at the first problem: every one is listed with its file.
 */
final class ArchiveVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What is wrong, and with which file (or manifest line). */
    record Problem(String where, String what) {
        @Override
        public String toString() {
            return where + ": " + what;
        }
    }

    /** A file to audit, in order: its first {@code length} bytes are complete frames. */
    record Part(Path path, Frames frames, long length) {
    }

    /**
     * What the check found.
     *
     * @param problems what is wrong; empty when the archive is intact
     * @param notes    what is worth saying but is no fault (the file being written)
     * @param parts    the files to audit, in the order they were written
     * @param entries  manifest entries read
     */
    record Result(List<Problem> problems, List<String> notes, List<Part> parts, int entries) {
    }

    private final Path dir;
    private final byte[] hmacKey;
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Part> parts = new ArrayList<>();

    /** @param hmacKey the key to check HMACs with, or null to skip them */
    ArchiveVerifier(Path dir, byte[] hmacKey) {
        this.dir = dir;
        this.hmacKey = hmacKey;
    }

    Result verify() throws IOException {
        Path manifest = dir.resolve(ArchiveNames.MANIFEST);
        Set<String> listed = new HashSet<>();
        long lastNumber = 0;
        int entries = 0;
        if (!Files.isRegularFile(manifest)) {
            problems.add(new Problem(ArchiveNames.MANIFEST, "missing: no manifest in " + dir));
        } else {
            byte[] all = Files.readAllBytes(manifest);
            if (all.length > 0 && all[all.length - 1] != '\n') {
                problems.add(new Problem(ArchiveNames.MANIFEST, "its last line is incomplete (a torn write)"));
            }
            String prevHash = ManifestEntry.NO_PREV;
            long expected = 1;
            int lineNo = 0;
            boolean hmacSeen = false;
            try (BufferedReader r = new BufferedReader(new java.io.StringReader(
                    new String(all, StandardCharsets.UTF_8)))) {
                // bounded by the manifest's size: one line per closed file
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lineNo++;
                    if (line.isBlank()) {
                        continue;
                    }
                    entries++;
                    Entry e = entry(lineNo, line, prevHash, expected);
                    prevHash = ManifestEntry.hashOf(line);
                    if (e == null) {
                        expected++;
                        continue;
                    }
                    hmacSeen |= ManifestEntry.hmacOf(line) != null;
                    expected = e.number + 1;
                    lastNumber = Math.max(lastNumber, e.number);
                    listed.add(e.file);
                    checkFile(e);
                }
            }
            if (hmacSeen && hmacKey == null) {
                notes.add("the manifest's HMACs were not checked (no --hmac-key-file)");
            }
        }
        checkUnlisted(listed, lastNumber);
        return new Result(List.copyOf(problems), List.copyOf(notes), List.copyOf(parts), entries);
    }

    /** A manifest line's fields that the check uses. */
    private record Entry(long number, String file, long bytes, String sha256) {
    }

    private Entry entry(int lineNo, String line, String prevHash, long expected) {
        String where = ArchiveNames.MANIFEST + " line " + lineNo;
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            problems.add(new Problem(where, "not JSON: " + e.getMessage().lines().findFirst().orElse("")));
            return null;
        }
        if (node == null || !node.isObject() || node.path("v").asInt() != ManifestEntry.VERSION
                || !node.path("file").isTextual() || !node.path("n").canConvertToLong()
                || !node.path("bytes").canConvertToLong() || !node.path("sha256").isTextual()
                || !node.path("prev").isTextual()) {
            problems.add(new Problem(where, "not a version " + ManifestEntry.VERSION + " manifest entry"));
            return null;
        }
        Entry e = new Entry(node.path("n").asLong(), node.path("file").asText(), node.path("bytes").asLong(),
                node.path("sha256").asText());
        where += " (" + e.file + ")";
        if (!node.path("prev").asText().equals(prevHash)) {
            problems.add(new Problem(where, "chain broken: its prev is not the hash of the line before it"
                    + " (an entry before it was removed, reordered or edited)"));
        }
        if (e.number != expected) {
            problems.add(new Problem(where, "file number " + e.number + " where " + expected
                    + " was expected (entries removed or reordered)"));
        }
        if (hmacKey != null) {
            String hmac = ManifestEntry.hmacOf(line);
            if (hmac == null) {
                problems.add(new Problem(where, "no HMAC, though a key was given"));
            } else if (!MessageDigest.isEqual(hmac.getBytes(StandardCharsets.US_ASCII),
                    ManifestEntry.hmac(hmacKey, ManifestEntry.bodyOf(line)).getBytes(StandardCharsets.US_ASCII))) {
                problems.add(new Problem(where, "bad HMAC: the entry was altered, or signed with another key"));
            }
        }
        if (ArchiveNames.parse(e.file).filter(p -> !p.open()).isEmpty() || e.file.contains("/")) {
            problems.add(new Problem(where, "names no archive file"));
            return null;
        }
        return e;
    }

    private void checkFile(Entry e) throws IOException {
        Path file = dir.resolve(e.file);
        if (!Files.isRegularFile(file)) {
            problems.add(new Problem(e.file, "missing (listed in the manifest, file number " + e.number + ")"));
            return;
        }
        long size = Files.size(file);
        String sha = ManifestEntry.sha256Of(file);
        if (size < e.bytes) {
            problems.add(new Problem(e.file, "truncated: " + size + " bytes where the manifest says " + e.bytes));
        } else if (size > e.bytes) {
            problems.add(new Problem(e.file, "modified: " + size + " bytes where the manifest says " + e.bytes));
        } else if (!sha.equals(e.sha256)) {
            problems.add(new Problem(e.file, "modified: its SHA-256 " + sha + " is not the manifest's " + e.sha256));
        }
        Frames frames = framesOf(e.file);
        parts.add(new Part(file, frames, size));
    }

    /** Files the manifest does not list: the one being written (after the last entry) is expected, others not. */
    private void checkUnlisted(Set<String> listed, long lastNumber) throws IOException {
        List<Path> inDir;
        try (Stream<Path> list = Files.list(dir)) {
            inDir = list.sorted().toList();
        }
        boolean openSeen = false;
        for (Path p : inDir) {
            String name = p.getFileName().toString();
            if (name.equals(ArchiveNames.MANIFEST) || listed.contains(name)) {
                continue;
            }
            ArchiveNames.Parsed parsed = ArchiveNames.parse(name).orElse(null);
            if (parsed != null && parsed.open() && !openSeen && parsed.number() > lastNumber
                    && Files.isRegularFile(p)) {
                openSeen = true;
                Frames frames = framesOf(name);
                long size = Files.size(p);
                long complete;
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    complete = frames.completePrefix(ch, size);
                }
                notes.add(name + ": being written, not yet in the manifest (" + complete + " bytes of complete"
                        + " frames audited" + (complete < size ? "; " + (size - complete)
                        + " bytes after them are a torn write, cut at the agent's next start" : "") + ")");
                parts.add(new Part(p, frames, complete));
                continue;
            }
            problems.add(new Problem(name, "not in the manifest (an extra file, or one whose entry was removed)"));
        }
    }

    private static Frames framesOf(String name) {
        return Frames.ofSuffix(ArchiveNames.parse(name).orElseThrow().suffix());
    }
}
