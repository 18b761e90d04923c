package dev.gapless.agent.journal;

import static dev.gapless.agent.journal.JournalTestSupport.events;
import static dev.gapless.agent.journal.JournalTestSupport.open;
import static dev.gapless.agent.journal.JournalTestSupport.readAll;
import static dev.gapless.agent.journal.JournalTestSupport.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.RecordKind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a JVM appending to the journal: every record it saw durable reads back, and seqs continue. */
class JournalKillIT {

    @TempDir
    Path dir;

    @Test
    void everyDurableRecordSurvivesKillNineAndSeqsContinue() throws Exception {
        for (int round = 1; round <= 3; round++) {
            long durable = runAndKill(20_000L * round);
            try (Journal j = open(dir, smallConfig())) {
                long head = j.headSeq();
                assertThat(head).as("round %d", round).isGreaterThanOrEqualTo(durable);
                List<JournalRecord> read = readAll(j, 0, durable);
                assertThat(read).hasSizeGreaterThanOrEqualTo((int) durable);
                List<JournalRecord> upToDurable = read.subList(0, (int) durable);
                assertThat(upToDurable).extracting(JournalRecord::kind).containsOnly(RecordKind.EVENT);
                for (int i = 0; i < durable; i++) {
                    JournalRecord r = upToDurable.get(i);
                    assertThat(r.seq()).isEqualTo(i + 1);
                    // Each round's child numbers its events from the head it found; the parent appended one "after0".
                    assertThat(JournalTestSupport.text(r)).isIn("e" + i, "after0");
                }
                assertThat(j.stats().lostRecords.sum()).as("a kill mid-append tears no durable record").isZero();
                AppendResult next = j.append(TestBatches.of(events("after", 0, 1)));
                assertThat(next.firstSeq()).isEqualTo(head + 1);
            }
        }
    }

    /** Starts the child, waits until it reported {@code atLeast} durable, kills it, and returns what it reported. */
    private long runAndKill(long atLeast) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle")) {
                cmd.add(arg);
            }
        }
        cmd.add("-Xmx128m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KillChild.class.getName());
        cmd.add(dir.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long durable = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (durable < atLeast && System.nanoTime() < deadline && (line = out.readLine()) != null) {
                if (line.startsWith("durable ")) {
                    durable = Math.max(durable, Long.parseLong(line.substring(8)));
                }
            }
            p.destroyForcibly(); // SIGKILL, mid-append
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(durable).as("the child reported durable appends").isGreaterThanOrEqualTo(atLeast);
        return durable;
    }
}
