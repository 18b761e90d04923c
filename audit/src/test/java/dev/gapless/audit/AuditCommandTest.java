package dev.gapless.audit;

import static dev.gapless.audit.TestStream.AGENT_A;
import static dev.gapless.audit.TestStream.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class AuditCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        return run(new CommandLine(new AuditCommand(Clock.fixed(T0.plus(Duration.ofHours(1)), ZoneOffset.UTC))),
                args);
    }

    private static Run run(CommandLine cmd, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path holeAndLoss() throws IOException {
        return new TestStream().events(1, 40).heartbeat(41).events(45, 60)
                .loss(71, 61, 70L, "drop_oldest").events(72, 100).write(dir.resolve("s.ndjson"));
    }

    @Test
    void completeStreamExitsZeroWithATable() throws IOException {
        Path file = new TestStream().events(1, 10).write(dir.resolve("s.ndjson"));

        Run r = run(file.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Verdict: COMPLETE (exit 0)", "Agent " + AGENT_A + ": COMPLETE", "1-10, 10 seen");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void tableNamesTheUndeclaredHoleAndTheDeclaredLoss() throws IOException {
        Run r = run(holeAndLoss().toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("Verdict: UNDECLARED GAPS (exit 1)",
                "undeclared      3 missing: 42-44",
                "declared        10 missing: 61-70",
                "seq 71 declares 61-70 (10 events), drop_oldest");
    }

    @Test
    void declaredLossOnlyExitsTwo() throws IOException {
        Path file = new TestStream().events(1, 10).loss(16, 11, 15L, "min_free").events(17, 20)
                .write(dir.resolve("s.ndjson"));

        assertThat(run(file.toString()).exit()).isEqualTo(2);
    }

    @Test
    void jsonOutputHasTheDocumentedShape() throws IOException {
        Run r = run("--json", holeAndLoss().toString());

        assertThat(r.exit()).isEqualTo(1);
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("verdict").asText()).isEqualTo("undeclared_gaps");
        assertThat(root.get("exit_code").asInt()).isEqualTo(1);
        assertThat(root.get("settings").get("heartbeat_gap").asText()).isEqualTo("90s");
        assertThat(root.get("files").get(0).get("envelopes").asLong()).isEqualTo(87);
        assertThat(root.get("errors").isArray()).isTrue();
        assertThat(root.get("garbage").get("count").asLong()).isZero();
        JsonNode agent = root.get("agents").get(0);
        assertThat(agent.get("agent_id").asText()).isEqualTo(AGENT_A);
        assertThat(agent.get("verdict").asText()).isEqualTo("undeclared_gaps");
        assertThat(agent.get("first_seq").asLong()).isEqualTo(1);
        assertThat(agent.get("last_seq").asLong()).isEqualTo(100);
        assertThat(agent.get("starts_at_seq").isNull()).isTrue();
        assertThat(agent.get("missing").get("undeclared").get("ranges").toString()).isEqualTo("[[42,44]]");
        assertThat(agent.get("missing").get("declared").get("seqs").asLong()).isEqualTo(10);
        assertThat(agent.get("missing").get("tail").isNull()).isTrue();
        assertThat(agent.get("skipped").get("by_routing").asLong()).isZero();
        assertThat(agent.get("loss_markers").get("markers").get(0).get("reason").asText()).isEqualTo("drop_oldest");
        assertThat(agent.get("duplicates").get("seqs").asLong()).isZero();
        assertThat(agent.get("boots").get(0).get("records").asLong()).isEqualTo(87);
        assertThat(agent.get("heartbeat_gaps").get("count").asLong()).isZero();
        assertThat(agent.get("event_time").get("regressions").get("count").asLong()).isZero();
        assertThat(agent.get("event_time").get("future").get("count").asLong()).isZero();
        List<String> fields = new ArrayList<>();
        agent.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("agent_id", "verdict", "records", "events", "heartbeats", "first_seq",
                "last_seq", "starts_at_seq", "seen", "missing", "skipped", "loss_markers", "duplicates", "boots",
                "heartbeat_gaps", "event_time");
    }

    @Test
    void codecLineFileExitsThreeWithAClearMessage() throws IOException {
        Path file = dir.resolve("plain.log");
        Files.writeString(file, "just a message\nanother one\n");

        Run r = run(file.toString());

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("no Gapless envelope found in " + file
                + ": streams written with codec: line cannot be audited; use codec: json_lines");
    }

    @Test
    void missingPathExitsThree() {
        Run r = run(dir.resolve("nothing-here").toString());

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("no such file or directory");
    }

    @Test
    void usageErrorsExitThreeNotPicocliTwo() throws IOException {
        Path file = new TestStream().events(1, 3).write(dir.resolve("s.ndjson"));

        assertThat(run("--heartbeat-gap", "90", file.toString()).exit()).isEqualTo(3);
        assertThat(run("--no-such-option", file.toString()).exit()).isEqualTo(3);
        assertThat(run().exit()).isEqualTo(3);
    }

    @Test
    void usageErrorsExitThreeAlsoAsASubcommand() {
        @Command(name = "gapless", subcommands = AuditCommand.class)
        class Main {
        }
        CommandLine cmd = new CommandLine(new Main());

        assertThat(run(cmd, "audit", "--bogus").exit()).isEqualTo(3);
    }

    @Test
    void optionsChangeTheBounds() throws IOException {
        Path file = new TestStream().step(Duration.ofSeconds(60)).heartbeat(1).heartbeat(2)
                .write(dir.resolve("s.ndjson"));

        assertThat(run("--json", file.toString()).out()).contains("\"heartbeat_gaps\" : {\n      \"count\" : 0");
        Run r = run("--heartbeat-gap", "45s", file.toString());
        assertThat(r.out()).contains("heartbeat gaps  1 over 45s", "1m silent");
        assertThat(r.exit()).isZero();
    }

    @Test
    void nowOptionReplacesTheClockForFutureTimes() throws IOException {
        Path file = new TestStream().event(1, T0.plus(Duration.ofDays(2))).write(dir.resolve("s.ndjson"));

        assertThat(run("--json", file.toString()).out()).contains("\"future\" : {\n        \"count\" : 1");
        assertThat(run("--json", "--now", "2026-11-26T00:00:00Z", file.toString()).out())
                .contains("\"future\" : {\n        \"count\" : 0");
    }

    @Test
    void helpListsTheExitCodesAndDefaults() {
        Run r = run("--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Default: 90s", "Default: 5m", "Exit codes:", "declared losses only");
    }
}
