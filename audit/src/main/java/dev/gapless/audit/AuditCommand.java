package dev.gapless.audit;

import dev.gapless.config.Durations;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code gapless audit PATH...}: proves delivered streams complete, or names what is missing.
 * The exit code is the report's verdict; a usage error exits 3 too, never picocli's default 2,
 * which here means "declared losses only".
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        defaultValueProvider = AuditCommand.Defaults.class,
        exitCodeOnInvalidInput = 3,
        exitCodeOnExecutionException = 3,
        description = {
            "Audits delivered Gapless streams (NDJSON written with codec: json_lines, plain or gzip'd,"
                    + " files or folders of them) and reports, per agent: seq ranges seen, missing ranges"
                    + " (declared by a loss marker or not), duplicates, boots, heartbeat gaps, event-time"
                    + " anomalies and a missing tail."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:complete: no seq missing",
            "1:undeclared gaps: seqs missing with no loss marker naming them, or a missing tail",
            "2:declared losses only: every missing seq is named by a loss marker",
            "3:cannot audit: a path missing or unreadable, a file without envelopes, or a usage error"})
public final class AuditCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "NDJSON files or folders of them, gzip'd or not.")
    private List<Path> paths;

    @Option(names = "--json", description = "Print the report as JSON instead of a table.")
    private boolean json;

    @Option(names = "--heartbeat-gap", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Report a silence between heartbeats (by received_at) longer than this."
                    + " Default: ${DEFAULT-VALUE} (three 30s heartbeat intervals).")
    private Duration heartbeatGap;

    @Option(names = "--max-time-regression", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Report an event whose event_time is earlier than the previous event's of the same"
                    + " boot by more than this. Default: ${DEFAULT-VALUE}.")
    private Duration maxTimeRegression;

    @Option(names = "--max-future", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Report an event whose event_time is ahead of the audit's clock by more than this."
                    + " Default: ${DEFAULT-VALUE}.")
    private Duration maxFuture;

    @Option(names = "--expect-from-start",
            description = "Seqs before an agent's first one (from seq 1) count as undeclared missing.")
    private boolean expectFromStart;

    @Option(names = "--now", paramLabel = "TIME", converter = InstantConverter.class,
            description = "Audit as if the time were TIME (RFC 3339), for --max-future. Default: the system clock.")
    private Instant now;

    private final Clock clock;

    public AuditCommand() {
        this(Clock.systemUTC());
    }

    /** With an injected clock, the audit's notion of now unless {@code --now} is given. */
    public AuditCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        Clock auditClock = now == null ? clock : Clock.fixed(now, ZoneOffset.UTC);
        AuditOptions options = new AuditOptions(heartbeatGap, maxTimeRegression, maxFuture, expectFromStart,
                auditClock);
        Auditor auditor = new Auditor(options);
        for (Path p : paths) {
            auditor.audit(p);
        }
        AuditReport report = auditor.report();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ReportWriter.writeJson(report, out);
            out.flush();
        } else {
            ReportWriter.writeTable(report, out);
        }
        if (!report.errors().isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            for (String e : report.errors()) {
                err.println("gapless audit: " + e);
            }
            err.flush();
        }
        return report.exitCode();
    }

    /** The defaults of {@link AuditOptions}, written as a user would type them. */
    static final class Defaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec)) {
                return null;
            }
            switch (((OptionSpec) arg).longestName()) {
                case "--heartbeat-gap":
                    return Durations.format(AuditOptions.DEFAULT_HEARTBEAT_GAP);
                case "--max-time-regression":
                    return Durations.format(AuditOptions.DEFAULT_MAX_TIME_REGRESSION);
                case "--max-future":
                    return Durations.format(AuditOptions.DEFAULT_MAX_FUTURE);
                default:
                    return null;
            }
        }
    }

    /** Durations as in the YAML: {@code 90s}, {@code 5m}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("expected an RFC 3339 time such as 2026-11-23T10:00:00Z, got '"
                        + value + "'");
            }
        }
    }
}
