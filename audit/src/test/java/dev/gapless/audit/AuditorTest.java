package dev.gapless.audit;

import static dev.gapless.audit.TestStream.AGENT_A;
import static dev.gapless.audit.TestStream.AGENT_B;
import static dev.gapless.audit.TestStream.BOOT_1;
import static dev.gapless.audit.TestStream.BOOT_2;
import static dev.gapless.audit.TestStream.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.audit.AuditReport.AgentReport;
import dev.gapless.audit.AuditReport.SeqRange;
import dev.gapless.audit.AuditReport.Verdict;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditorTest {

    private static final Instant NOW = T0.plus(Duration.ofHours(1));

    @TempDir
    Path dir;

    private AuditOptions options = AuditOptions.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC));

    private AuditReport audit(Path... paths) {
        Auditor auditor = new Auditor(options);
        for (Path p : paths) {
            auditor.audit(p);
        }
        return auditor.report();
    }

    private AuditReport audit(TestStream stream) throws IOException {
        return audit(stream.write(dir.resolve("stream.ndjson")));
    }

    private static AgentReport only(AuditReport r) {
        assertThat(r.agents()).hasSize(1);
        return r.agents().get(0);
    }

    @Test
    void completeStreamIsCompleteAndExitsZero() throws IOException {
        AuditReport r = audit(new TestStream().events(1, 99).heartbeat(100).events(101, 200));

        AgentReport a = only(r);
        assertThat(r.verdict()).isEqualTo(Verdict.COMPLETE);
        assertThat(r.exitCode()).isZero();
        assertThat(a.seen().ranges()).containsExactly(new SeqRange(1, 200));
        assertThat(a.events()).isEqualTo(199);
        assertThat(a.heartbeats()).isEqualTo(1);
        assertThat(a.undeclared().isEmpty()).isTrue();
        assertThat(a.declared().isEmpty()).isTrue();
        assertThat(a.startsAtSeq()).isNull();
        assertThat(r.garbage().count()).isZero();
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void skippedRangesAreNeitherHolesNorLossesAndAreCountedApart() throws IOException {
        AuditReport r = audit(new TestStream().events(1, 3).skipped(4, 9).events(10, 10).skipped(11, 11)
                .heartbeat(12).skipped(13, 20));

        AgentReport a = only(r);
        assertThat(r.verdict()).isEqualTo(Verdict.COMPLETE);
        assertThat(a.undeclared().isEmpty()).isTrue();
        assertThat(a.declared().isEmpty()).isTrue();
        assertThat(a.skippedRecords()).isEqualTo(3);
        assertThat(a.skippedByRouting()).isEqualTo(15);
        assertThat(a.lastSeq()).as("a stream ending in a skipped run has no missing tail").isEqualTo(20);
        assertThat(a.events()).isEqualTo(4);
        assertThat(a.skippedButDelivered().isEmpty()).isTrue();
        StringWriter text = new StringWriter();
        ReportWriter.writeTable(r, new PrintWriter(text));
        assertThat(text.toString()).contains("skipped         15 by routing (3 skipped records)");
    }

    @Test
    void aResentSkippedRecordCountsItsRangeOnce() throws IOException {
        AgentReport a = only(audit(new TestStream().events(1, 2).skipped(3, 5).skipped(3, 5).events(6, 6)));
        assertThat(a.skippedByRouting()).isEqualTo(3);
        assertThat(a.duplicateCopies()).isZero();
        assertThat(a.undeclared().isEmpty()).isTrue();
    }

    @Test
    void anEventDeliveredInsideASkippedRangeIsAContradiction() throws IOException {
        AuditReport r = audit(new TestStream().events(1, 5).skipped(4, 8).events(9, 10));

        AgentReport a = only(r);
        assertThat(a.skippedButDelivered().ranges()).containsExactly(new SeqRange(4, 5));
        assertThat(r.verdict()).isNotEqualTo(Verdict.COMPLETE);
        StringWriter text = new StringWriter();
        ReportWriter.writeTable(r, new PrintWriter(text));
        assertThat(text.toString()).contains("contradictions").contains("2 delivered although declared skipped");
    }

    @Test
    void holeIsAnUndeclaredGapNamingTheExactRange() throws IOException {
        AuditReport r = audit(new TestStream().events(1, 41).events(48, 100));

        AgentReport a = only(r);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(a.undeclared().ranges()).containsExactly(new SeqRange(42, 47));
        assertThat(a.undeclared().seqs()).isEqualTo(6);
        assertThat(a.seen().ranges()).containsExactly(new SeqRange(1, 41), new SeqRange(48, 100));
    }

    @Test
    void duplicatesAreCountedAndCompressedIntoRanges() throws IOException {
        AuditReport r = audit(new TestStream().events(1, 50).events(40, 45).events(51, 60).events(45, 45));

        AgentReport a = only(r);
        assertThat(r.exitCode()).isZero();
        assertThat(a.duplicates().ranges()).containsExactly(new SeqRange(40, 45));
        assertThat(a.duplicates().seqs()).isEqualTo(6);
        assertThat(a.duplicateCopies()).isEqualTo(7);
        assertThat(a.records()).isEqualTo(67);
        assertThat(a.events()).isEqualTo(60);
    }

    @Test
    void declaredLossIsReportedWithReasonAndExitsTwo() throws IOException {
        AuditReport r = audit(new TestStream().events(1, 10).loss(21, 11, 20L, "drop_oldest").events(22, 30));

        AgentReport a = only(r);
        assertThat(r.verdict()).isEqualTo(Verdict.DECLARED_LOSS_ONLY);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(a.declared().ranges()).containsExactly(new SeqRange(11, 20));
        assertThat(a.undeclared().isEmpty()).isTrue();
        assertThat(a.lossMarkers()).singleElement().satisfies(m -> {
            assertThat(m.markerSeq()).isEqualTo(21);
            assertThat(m.reason()).isEqualTo("drop_oldest");
            assertThat(m.count()).isEqualTo(10);
        });
    }

    @Test
    void partlyRejectedRangeIsDeclaredWholeAndItsCountIsReported() throws IOException {
        // An OTLP receiver refused 2 of seq 11..20 without saying which: 8 of them arrived, the marker covers all 10.
        TestStream s = new TestStream().events(1, 10);
        for (long seq = 11; seq <= 20; seq++) {
            if (seq != 13 && seq != 17) {
                s.event(seq, TestStream.T0);
            }
        }
        AuditReport r = audit(s.loss(21, 11, 20, 2, "partial_rejected", "otel").events(22, 30));

        AgentReport a = only(r);
        assertThat(r.verdict()).isEqualTo(Verdict.DECLARED_LOSS_ONLY);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(a.declared().ranges()).containsExactly(new SeqRange(13, 13), new SeqRange(17, 17));
        assertThat(a.undeclared().isEmpty()).isTrue();
        assertThat(a.lossMarkers()).singleElement().satisfies(m -> {
            assertThat(m.fromSeq()).isEqualTo(11);
            assertThat(m.toSeq()).isEqualTo(20);
            assertThat(m.count()).isEqualTo(2);
            assertThat(m.reason()).isEqualTo("partial_rejected");
            assertThat(m.output()).isEqualTo("otel");
        });
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            ReportWriter.writeTable(r, out);
        }
        assertThat(text.toString()).contains("declares 11-20 (2 events), partial_rejected by output otel");
    }

    @Test
    void lossMarkerWithUnknownEndDeclaresUpToItsOwnSeq() throws IOException {
        AuditReport r = audit(new TestStream().events(1, 10).loss(30, 11, null, "damaged_tail").events(31, 40));

        AgentReport a = only(r);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(a.declared().ranges()).containsExactly(new SeqRange(11, 29));
        assertThat(a.lossMarkers().get(0).toSeqGiven()).isFalse();
    }

    @Test
    void holePartlyCoveredByALossMarkerSplitsIntoDeclaredAndUndeclared() throws IOException {
        AuditReport r = audit(new TestStream().events(1, 10).loss(21, 11, 15L, "rejected").events(22, 30));

        AgentReport a = only(r);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(a.declared().ranges()).containsExactly(new SeqRange(11, 15));
        assertThat(a.undeclared().ranges()).containsExactly(new SeqRange(16, 20));
    }

    @Test
    void restartWithNewBootIdAndContinuingSeqIsComplete() throws IOException {
        AuditReport r = audit(new TestStream().events(1, 50).heartbeat(51)
                .boot(BOOT_2).heartbeat(52).events(53, 100));

        AgentReport a = only(r);
        assertThat(r.exitCode()).isZero();
        assertThat(a.boots()).hasSize(2);
        assertThat(a.boots().get(0).bootId()).isEqualTo(BOOT_1);
        assertThat(a.boots().get(0).firstSeq()).isEqualTo(1);
        assertThat(a.boots().get(0).lastSeq()).isEqualTo(51);
        assertThat(a.boots().get(1).bootId()).isEqualTo(BOOT_2);
        assertThat(a.boots().get(1).firstSeq()).isEqualTo(52);
        assertThat(a.boots().get(1).records()).isEqualTo(49);
    }

    @Test
    void silentPeriodBetweenHeartbeatsIsReported() throws IOException {
        TestStream s = new TestStream().step(Duration.ofSeconds(30))
                .heartbeat(1).heartbeat(2).heartbeat(3)
                .at(T0.plus(Duration.ofMinutes(10))).heartbeat(4).heartbeat(5);
        AuditReport r = audit(s);

        AgentReport a = only(r);
        assertThat(r.exitCode()).isZero();
        assertThat(a.heartbeatGapCount()).isEqualTo(1);
        assertThat(a.heartbeatGaps()).singleElement().satisfies(g -> {
            assertThat(g.from()).isEqualTo(T0.plusSeconds(60));
            assertThat(g.to()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
            assertThat(g.afterSeq()).isEqualTo(3);
            assertThat(g.beforeSeq()).isEqualTo(4);
        });
    }

    @Test
    void heartbeatsExactlyAtTheBoundAreNoGap() throws IOException {
        AuditReport r = audit(new TestStream().step(Duration.ofSeconds(90)).heartbeat(1).heartbeat(2).heartbeat(3));

        assertThat(only(r).heartbeatGapCount()).isZero();
    }

    @Test
    void truncatedLastLineIsReportedAsSuchAndTheRestAudited() throws IOException {
        String text = new TestStream().events(1, 10).text() + "{\"v\":1,\"kind\":\"event\",\"agent_id\":\"" + AGENT_A
                + "\",\"seq\":11,\"mess";
        Path file = dir.resolve("cut.ndjson");
        Files.writeString(file, text);

        AuditReport r = audit(file);

        assertThat(only(r).seen().ranges()).containsExactly(new SeqRange(1, 10));
        assertThat(r.files().get(0).truncatedLastLine()).isTrue();
        assertThat(r.garbage().first()).singleElement().satisfies(g -> {
            assertThat(g.line()).isEqualTo(11);
            assertThat(g.reason()).startsWith("truncated last line");
        });
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void lastLineWithoutNewlineThatParsesIsAudited() throws IOException {
        String text = new TestStream().events(1, 10).text().stripTrailing();
        Path file = dir.resolve("nonl.ndjson");
        Files.writeString(file, text);

        AuditReport r = audit(file);

        assertThat(only(r).seen().ranges()).containsExactly(new SeqRange(1, 10));
        assertThat(r.garbage().count()).isZero();
        assertThat(r.files().get(0).truncatedLastLine()).isFalse();
    }

    @Test
    void garbageLinesAreReportedWithLineNumbersAndGoodLinesAroundThemAudited() throws IOException {
        Path file = dir.resolve("mixed.ndjson");
        byte[] invalidUtf8 = "{\"v\":1,\"agent_id\":\"x\",\"seq\":1,\"message\":\"\u00ff\u00fe\"}\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] good1 = new TestStream().events(1, 3).bytes();
        byte[] good2 = new TestStream().events(4, 6).bytes();
        try (var out = Files.newOutputStream(file)) {
            out.write(good1);
            out.write("{not json\n".getBytes(StandardCharsets.UTF_8));
            out.write("{\"hello\":\"world\"}\n".getBytes(StandardCharsets.UTF_8));
            out.write(invalidUtf8);
            out.write("[1,2,3]\n".getBytes(StandardCharsets.UTF_8));
            out.write(good2);
        }

        AuditReport r = audit(file);

        assertThat(only(r).seen().ranges()).containsExactly(new SeqRange(1, 6));
        assertThat(r.exitCode()).isZero();
        assertThat(r.garbage().count()).isEqualTo(4);
        assertThat(r.garbage().first()).extracting(AuditReport.GarbageLine::line).containsExactly(4L, 5L, 6L, 7L);
        assertThat(r.garbage().first().get(0).reason()).startsWith("malformed JSON");
        assertThat(r.garbage().first().get(1).reason()).isEqualTo("not a Gapless envelope: missing 'v'");
        assertThat(r.garbage().first().get(2).reason()).startsWith("invalid UTF-8 at byte");
        assertThat(r.garbage().first().get(3).reason()).contains("not a JSON object");
        assertThat(r.garbage().first()).allSatisfy(g -> assertThat(g.file()).isEqualTo(file.toString()));
        assertThat(r.files().get(0).garbageLines()).isEqualTo(4);
    }

    @Test
    void listsOnlyTheFirstTwentyGarbageLinesButCountsAll() throws IOException {
        TestStream s = new TestStream().events(1, 1);
        for (int i = 0; i < 25; i++) {
            s.raw("garbage " + i);
        }
        AuditReport r = audit(s.events(2, 2));

        assertThat(r.garbage().count()).isEqualTo(25);
        assertThat(r.garbage().first()).hasSize(20);
        assertThat(only(r).seen().seqs()).isEqualTo(2);
    }

    @Test
    void gzipInputIsDetectedByMagicBytesNotName() throws IOException {
        Path file = new TestStream().events(1, 5).events(8, 10).writeGzip(dir.resolve("stream.ndjson"));

        AuditReport r = audit(file);

        assertThat(r.files().get(0).gzip()).isTrue();
        assertThat(only(r).undeclared().ranges()).containsExactly(new SeqRange(6, 7));
    }

    @Test
    void folderOfFilesIsAuditedAsOneStreamPerAgent() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("out"));
        Path older = new TestStream().events(1, 100).write(folder.resolve("events.ndjson.1"));
        Path newer = new TestStream().events(101, 150).writeGzip(folder.resolve("events.ndjson"));
        Files.setLastModifiedTime(older, FileTime.from(T0));
        Files.setLastModifiedTime(newer, FileTime.from(T0.plusSeconds(60)));

        AuditReport r = audit(folder);

        assertThat(r.files()).extracting(AuditReport.FileSummary::path)
                .containsExactly(older.toString(), newer.toString());
        assertThat(only(r).seen().ranges()).containsExactly(new SeqRange(1, 150));
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void heartbeatHeadBeyondTheLastSeqIsAMissingTail() throws IOException {
        AuditReport r = audit(new TestStream().events(1, 9).heartbeat(10, 25));

        AgentReport a = only(r);
        assertThat(a.missingTail()).isEqualTo(new SeqRange(11, 25));
        assertThat(a.undeclared().isEmpty()).isTrue();
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void eventTimeGoingBackwardsBeyondTheBoundWithinABootIsReported() throws IOException {
        TestStream s = new TestStream()
                .event(1, T0)
                .event(2, T0.plusSeconds(600))
                .event(3, T0.plusSeconds(599)) // back 1s: within the bound
                .event(4, T0.plusSeconds(60)) // back 539s: beyond 5m
                .boot(BOOT_2)
                .event(5, T0); // a new boot starts its own timeline
        AuditReport r = audit(s);

        AgentReport a = only(r);
        assertThat(a.timeAnomalies().regressions()).isEqualTo(1);
        assertThat(a.timeAnomalies().firstRegressions()).singleElement().satisfies(x -> {
            assertThat(x.seq()).isEqualTo(4);
            assertThat(x.by()).isEqualTo(Duration.ofSeconds(539));
            assertThat(x.reference()).isEqualTo(T0.plusSeconds(599));
        });
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void futureEventTimesBeyondTheBoundAreReportedAgainstTheInjectedClock() throws IOException {
        AuditReport r = audit(new TestStream()
                .event(1, NOW.plusSeconds(299))
                .event(2, NOW.plusSeconds(301))
                .event(3, NOW.plus(Duration.ofDays(1))));

        AgentReport a = only(r);
        assertThat(a.timeAnomalies().future()).isEqualTo(2);
        assertThat(a.timeAnomalies().firstFuture()).extracting(AuditReport.TimeAnomaly::seq).containsExactly(2L, 3L);
        assertThat(a.timeAnomalies().firstFuture().get(0).reference()).isEqualTo(NOW);
    }

    @Test
    void twoAgentsInOneStreamAreAuditedSeparately() throws IOException {
        TestStream s = new TestStream();
        for (long i = 1; i <= 20; i++) {
            s.agent(AGENT_A).events(i, i);
            if (i != 7) {
                s.agent(AGENT_B).events(100 + i, 100 + i);
            }
        }
        AuditReport r = audit(s);

        assertThat(r.agents()).extracting(AgentReport::agentId).containsExactly(AGENT_A, AGENT_B);
        assertThat(r.agents().get(0).verdict()).isEqualTo(Verdict.COMPLETE);
        assertThat(r.agents().get(1).undeclared().ranges()).containsExactly(new SeqRange(107, 107));
        assertThat(r.agents().get(1).startsAtSeq()).isEqualTo(101);
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void streamStartingAfterSeqOneIsNotedButNotAGap() throws IOException {
        AuditReport r = audit(new TestStream().events(500, 600));

        assertThat(only(r).startsAtSeq()).isEqualTo(500);
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void expectFromStartCountsSeqsBeforeTheFirstAsUndeclared() throws IOException {
        options = options.withExpectFromStart(true);
        AuditReport r = audit(new TestStream().events(500, 600));

        assertThat(only(r).undeclared().ranges()).containsExactly(new SeqRange(1, 499));
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void expectFromStartAcceptsADeclaredLossOfTheOldest() throws IOException {
        options = options.withExpectFromStart(true);
        AuditReport r = audit(new TestStream().loss(500, 1, 499L, "drop_oldest").events(501, 600));

        assertThat(only(r).declared().ranges()).containsExactly(new SeqRange(1, 499));
        assertThat(r.exitCode()).isEqualTo(2);
    }

    @Test
    void codecLineFileCannotBeAuditedAndSaysWhy() throws IOException {
        Path file = dir.resolve("plain.log");
        Files.writeString(file, "GET /index.html 200\nGET /favicon.ico 404\n");

        AuditReport r = audit(file);

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.errors()).containsExactly("no Gapless envelope found in " + file
                + ": streams written with codec: line cannot be audited; use codec: json_lines");
    }

    @Test
    void missingPathIsAnErrorButOtherInputsAreStillAudited() throws IOException {
        Path good = new TestStream().events(1, 5).write(dir.resolve("good.ndjson"));

        AuditReport r = audit(dir.resolve("nope.ndjson"), good);

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.errors()).singleElement().asString().startsWith("no such file or directory: ");
        assertThat(only(r).seen().seqs()).isEqualTo(5);
    }

    @Test
    void truncatedGzipIsAnIoErrorAfterAuditingWhatWasRead() throws IOException {
        Path full = new TestStream().events(1, 2000).writeGzip(dir.resolve("full.gz"));
        byte[] bytes = Files.readAllBytes(full);
        Path cut = dir.resolve("cut.gz");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 20));

        AuditReport r = audit(cut);

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.errors()).singleElement().asString().contains("cut.gz (gzip)");
        assertThat(only(r).seen().seqs()).isGreaterThan(1000);
    }

    @Test
    void emptyInputCannotBeAudited() {
        Auditor auditor = new Auditor(options);
        auditor.audit("empty", new ByteArrayInputStream(new byte[0]));

        assertThat(auditor.report().exitCode()).isEqualTo(3);
        assertThat(auditor.report().errors()).containsExactly("no Gapless envelope found in any input");
    }

    @Test
    void unsupportedEnvelopeVersionIsGarbageNotAGuess() throws IOException {
        AuditReport r = audit(new TestStream().events(1, 2)
                .raw("{\"v\":2,\"agent_id\":\"" + AGENT_A + "\",\"seq\":3}").events(4, 5));

        assertThat(r.garbage().first()).singleElement()
                .satisfies(g -> assertThat(g.reason()).isEqualTo("unsupported envelope version 2"));
        assertThat(only(r).undeclared().ranges()).containsExactly(new SeqRange(3, 3));
    }

    @Test
    void pathologicalHolesStayListedWithinTheCap() throws IOException {
        TestStream s = new TestStream();
        for (long i = 1; i <= 5000; i += 2) {
            s.events(i, i);
        }
        AgentReport a = only(audit(s));

        assertThat(a.undeclared().rangeCount()).isEqualTo(2499);
        assertThat(a.undeclared().ranges()).hasSize(AuditReport.LISTED);
        assertThat(a.undeclared().seqs()).isEqualTo(2499);
    }
}
