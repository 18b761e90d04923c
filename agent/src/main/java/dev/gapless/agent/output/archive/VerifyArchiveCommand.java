package dev.gapless.agent.output.archive;

import dev.gapless.audit.AuditOptions;
import dev.gapless.audit.AuditReport;
import dev.gapless.audit.Auditor;
import dev.gapless.audit.ReportWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gapless verify-archive DIR}: proves an archive intact (its manifest's chain, each file's size and SHA-256,
 * the HMACs, no file unlisted) and then complete, by handing its files, decompressed and in order, to the audit.
 * It lives beside the writer because the two share the archive's format; the audit module knows nothing of it.
 */
@Command(
        name = "verify-archive",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        exitCodeOnInvalidInput = 3,
        exitCodeOnExecutionException = 3,
        description = {"Checks an archive output's directory against its manifest, then audits its events."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:intact and complete",
            "1:intact, undeclared gaps (the audit's exit codes)",
            "2:intact, declared losses only",
            "3:cannot audit, or a usage error",
            "4:damaged: a file modified, truncated, missing or unlisted, the manifest's chain broken, a bad HMAC"})
public final class VerifyArchiveCommand implements Callable<Integer> {

    /** The exit code of an archive that is not what its manifest says. */
    public static final int EXIT_DAMAGED = 4;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The archive output's directory.")
    private Path dir;

    @Option(names = "--hmac-key-file", paramLabel = "FILE",
            description = "Check each manifest entry's HMAC-SHA256 with the key in FILE (the output's hmac_key_file).")
    private Path hmacKeyFile;

    @Option(names = "--expect-from-start",
            description = "Seqs before an agent's first one (from seq 1) count as undeclared missing.")
    private boolean expectFromStart;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(dir)) {
            err.println("gapless verify-archive: not a directory: " + dir);
            err.flush();
            return AuditReport.Verdict.CANNOT_AUDIT.exitCode();
        }
        byte[] key = null;
        if (hmacKeyFile != null) {
            try {
                key = HmacKey.read(hmacKeyFile);
                HmacKey.permissionWarning(hmacKeyFile).ifPresent(w -> err.println("gapless verify-archive: " + w));
            } catch (IOException e) {
                err.println("gapless verify-archive: cannot read the key file " + hmacKeyFile + ": " + e);
                err.flush();
                return AuditReport.Verdict.CANNOT_AUDIT.exitCode();
            }
        }
        ArchiveVerifier.Result result = new ArchiveVerifier(dir, key).verify();
        out.printf(Locale.ROOT, "Gapless archive %s: %d manifest entries%n", dir, result.entries());
        for (ArchiveVerifier.Problem p : result.problems()) {
            out.println("  DAMAGED  " + p);
        }
        for (String note : result.notes()) {
            out.println("  note     " + note);
        }
        String archive = result.problems().isEmpty()
                ? "intact (chain" + (key != null ? ", HMACs" : "") + ", sizes and SHA-256 checked)"
                : "DAMAGED, " + result.problems().size() + (result.problems().size() == 1 ? " problem" : " problems");
        out.println("Archive: " + archive);
        out.println();

        Auditor auditor = new Auditor(AuditOptions.defaults().withExpectFromStart(expectFromStart));
        for (ArchiveVerifier.Part part : result.parts()) {
            if (part.length() == 0) {
                continue;
            }
            try (InputStream raw = new Prefix(Files.newInputStream(part.path()), part.length());
                 InputStream plain = part.frames().decoded(raw)) {
                auditor.audit(part.path().toString(), plain);
            } catch (IOException e) {
                err.println("gapless verify-archive: cannot read " + part.path() + ": " + e);
            }
        }
        AuditReport report = auditor.report();
        ReportWriter.writeTable(report, out);
        for (String e : report.errors()) {
            err.println("gapless verify-archive: " + e);
        }
        int exit = result.problems().isEmpty() ? report.exitCode() : EXIT_DAMAGED;
        out.println();
        out.printf(Locale.ROOT, "Verdict: archive %s, audit %s (exit %d)%n",
                result.problems().isEmpty() ? "intact" : "DAMAGED",
                report.verdict().name().replace('_', ' '), exit);
        out.flush();
        err.flush();
        return exit;
    }

    /** The first {@code limit} bytes of a stream: an open file's complete frames, not the write under way. */
    private static final class Prefix extends FilterInputStream {
        private long left;

        Prefix(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(Math.min(n, left));
            left -= s;
            return s;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), left);
        }
    }
}
