package dev.gapless.audit;

import dev.gapless.audit.AuditReport.AgentReport;
import dev.gapless.audit.AuditReport.FileSummary;
import dev.gapless.audit.AuditReport.Garbage;
import dev.gapless.audit.AuditReport.GarbageLine;
import dev.gapless.audit.AuditReport.Settings;
import dev.gapless.audit.AuditReport.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Audits delivered envelope streams: feed it files, folders or streams, then take the
 * {@link #report()}. It never stops on bad input: a line that is no envelope is counted and
 * listed, an unreadable input is named in the report's errors, and the rest is audited.
 *
 * <p>Per agent it keeps ranges, not seqs (see {@link AgentState}), so memory does not grow with
 * the number of events. Not thread-safe: one thread feeds one auditor.
 */
public final class Auditor {

    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;
    private static final int GZIP_BUFFER = 256 * 1024;

    private final AuditOptions options;
    private final Instant now;
    private final long nowNanos;
    private final EnvelopeParser parser = new EnvelopeParser();
    private final Envelope envelope = new Envelope();
    private final LineReader reader = new LineReader();

    private final Map<String, AgentState> agents = new LinkedHashMap<>();
    // the agent of the previous envelope, the usual one for the next
    private AgentState lastAgent;
    private final List<FileSummary> files = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private long garbageCount;
    private final List<GarbageLine> firstGarbage = new ArrayList<>();

    public Auditor(AuditOptions options) {
        this.options = options;
        this.now = options.clock().instant();
        this.nowNanos = Rfc3339.toNanos(now);
    }

    /**
     * Audits a file, or every regular file under a folder (oldest modified first, so rolled files
     * come before the live one). Problems are recorded in the report, never thrown.
     */
    public void audit(Path path) {
        if (!Files.exists(path)) {
            errors.add("no such file or directory: " + path);
            return;
        }
        if (Files.isDirectory(path)) {
            List<Path> inside;
            try (Stream<Path> walk = Files.walk(path)) {
                inside = walk.filter(Files::isRegularFile)
                        .sorted(Comparator.comparing(Auditor::modified).thenComparing(Path::toString))
                        .collect(Collectors.toList());
            } catch (IOException | RuntimeException e) {
                errors.add("cannot list " + path + ": " + e.getMessage());
                return;
            }
            if (inside.isEmpty()) {
                errors.add("no files in folder " + path);
            }
            inside.forEach(this::auditFile);
            return;
        }
        auditFile(path);
    }

    private void auditFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            audit(file.toString(), in);
        } catch (NoSuchFileException e) {
            errors.add("no such file or directory: " + file);
        } catch (IOException e) {
            errors.add("cannot read " + file + ": " + e);
        }
    }

    /**
     * Audits one stream, gzip'd or not (told by its first bytes, not its name). An I/O error is
     * recorded against {@code name} after the lines read before it were audited.
     */
    public void audit(String name, InputStream raw) {
        FileCounter counter = new FileCounter(name);
        boolean gzip = false;
        try {
            PushbackInputStream in = new PushbackInputStream(raw, 2);
            byte[] magic = new byte[2];
            int got = in.readNBytes(magic, 0, 2);
            in.unread(magic, 0, got);
            gzip = got == 2 && (magic[0] & 0xff) == GZIP_MAGIC_1 && (magic[1] & 0xff) == GZIP_MAGIC_2;
            InputStream body = gzip ? new GZIPInputStream(in, GZIP_BUFFER) : in;
            counter.lines = reader.read(body, counter);
        } catch (IOException e) {
            errors.add("cannot read " + name + (gzip ? " (gzip)" : "") + " after line " + counter.lastLine + ": "
                    + e.getMessage());
        }
        if (counter.nonBlank > 0 && counter.envelopes == 0) {
            errors.add("no Gapless envelope found in " + name
                    + ": streams written with codec: line cannot be audited; use codec: json_lines");
        }
        files.add(new FileSummary(name, gzip, counter.lines, counter.envelopes, counter.garbage,
                counter.truncatedLastLine));
    }

    private void accept(Envelope e) {
        AgentState agent = lastAgent;
        if (agent == null || !agent.agentId().equals(e.agentId)) {
            agent = agents.computeIfAbsent(e.agentId, id -> new AgentState(id, nowNanos, options));
            lastAgent = agent;
        }
        agent.accept(e);
    }

    private void garbage(String file, long line, String reason) {
        garbageCount++;
        if (firstGarbage.size() < AuditReport.GARBAGE_LISTED) {
            firstGarbage.add(new GarbageLine(file, line, reason));
        }
    }

    /** What was found so far. */
    public AuditReport report() {
        List<String> allErrors = new ArrayList<>(errors);
        if (agents.isEmpty() && allErrors.isEmpty()) {
            allErrors.add("no Gapless envelope found in any input");
        }
        Verdict verdict = allErrors.isEmpty() ? Verdict.COMPLETE : Verdict.CANNOT_AUDIT;
        List<AgentReport> reports = new ArrayList<>();
        for (AgentState agent : agents.values()) {
            AgentReport r = agent.report(options);
            reports.add(r);
            verdict = verdict.worst(r.verdict());
        }
        Settings settings = new Settings(options.heartbeatGap(), options.maxTimeRegression(),
                options.maxFuture(), options.expectFromStart());
        return new AuditReport(now, settings, verdict, List.copyOf(files), List.copyOf(allErrors),
                new Garbage(garbageCount, List.copyOf(firstGarbage)), List.copyOf(reports));
    }

    /** Lines the fast scanner left to Jackson so far (malformed or unusual ones), for the benchmark. */
    long linesLeftToJackson() {
        return parser.deferred();
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Feeds one file's lines to the audit and counts them. */
    private final class FileCounter implements LineReader.Sink {
        final String name;
        long lines;
        long lastLine;
        long nonBlank;
        long envelopes;
        long garbage;
        boolean truncatedLastLine;

        FileCounter(String name) {
            this.name = name;
        }

        @Override
        public void line(byte[] buf, int off, int len, long lineNumber, boolean lastWithoutNewline,
                         boolean maybeNonAscii) {
            lastLine = lineNumber;
            if (isBlank(buf, off, len)) {
                return;
            }
            nonBlank++;
            String problem = parser.parse(buf, off, len, maybeNonAscii, envelope);
            if (problem == null) {
                envelopes++;
                accept(envelope);
                return;
            }
            garbage++;
            if (lastWithoutNewline) {
                truncatedLastLine = true;
                problem = "truncated last line (no newline at end of file): " + problem;
            }
            Auditor.this.garbage(name, lineNumber, problem);
        }

        @Override
        public void tooLong(long lineNumber, long length) {
            lastLine = lineNumber;
            nonBlank++;
            garbage++;
            Auditor.this.garbage(name, lineNumber,
                    "line of " + length + " bytes is longer than " + LineReader.MAX_LINE + "; skipped");
        }

        private boolean isBlank(byte[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                byte b = buf[i];
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }
    }
}
