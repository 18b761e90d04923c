package dev.gapless.agent.input.otlp;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.agent.event.Event;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.AppendResult;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalHooks;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceRequest;
import dev.gapless.agent.otlp.proto.common.v1.AnyValue;
import dev.gapless.agent.otlp.proto.logs.v1.LogRecord;
import dev.gapless.agent.otlp.proto.logs.v1.ResourceLogs;
import dev.gapless.agent.otlp.proto.logs.v1.ScopeLogs;
import dev.gapless.agent.otlp.proto.rpc.Status;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.otlp.OtlpInputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The answers that depend on the journal: success only once durable, 503 with Retry-After while it is full, and a
 * real client (the OpenTelemetry Java SDK's exporter) retrying that 503 until its record is taken.
 */
class OtlpInputBackPressureTest {

    @TempDir
    Path dir;

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Journal journal;
    private OtlpInput input;
    // What an output has passed, for retention; and the head of a filled journal.
    private final AtomicLong acked = new AtomicLong();
    private long head;

    @AfterEach
    void stop() {
        if (input != null) {
            input.close();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (journal != null) {
            journal.close();
        }
    }

    private String start(Journal j) throws Exception {
        journal = j;
        OtlpInputConfig config = new OtlpInputConfig("otel", new HostPort("127.0.0.1", 0),
                OtlpInputConfig.DEFAULT_MAX_BODY_BYTES, ByteSize.ofMebibytes(40), ByteSize.ofKibibytes(8), 16,
                Duration.ofSeconds(30), Optional.empty(), Optional.empty(), Optional.empty());
        input = new OtlpInput(config, new JournalIngest(journal, Clock.systemUTC()), loops, loops,
                Clock.systemUTC());
        input.start();
        return "http://" + input.boundAddress() + OtlpInputConfig.PATH;
    }

    private static HttpRequest post(String url, String... bodies) {
        ScopeLogs.Builder s = ScopeLogs.newBuilder();
        for (String b : bodies) {
            s.addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue(b)));
        }
        byte[] body = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(s))
                .build().toByteArray();
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    @Test
    void theAnswerWaitsForTheForce() throws Exception {
        String url = start(TestJournals.open(dir.resolve("journal")));
        CountDownLatch release = new CountDownLatch(1);
        JournalHooks.holdForces(journal, release);

        CompletableFuture<HttpResponse<byte[]>> answer = client.sendAsync(post(url, "held"),
                HttpResponse.BodyHandlers.ofByteArray());
        await("the request appended", () -> journal.headSeq() == 1);
        // In the journal but not durable: no answer may come (one sent on append would arrive well within this
        // bounded wait, which is all the time this test waits for nothing).
        assertThatThrownBy(() -> answer.get(300, TimeUnit.MILLISECONDS)).as("answered before the force")
                .isInstanceOf(TimeoutException.class);
        assertThat(input.stats().accepted.sum()).isZero();

        release.countDown();
        assertThat(answer.get(15, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(journal.durableSeq()).isGreaterThanOrEqualTo(1);
        assertThat(input.stats().accepted.sum()).isEqualTo(1);
    }

    /**
     * Starts the input on a 4 MiB journal filled to its max_size (an output's cursor, {@link #acked}, frees it);
     * returns the url, with {@link #head} the last seq written, durable.
     */
    private String startOnAFullJournal() throws Exception {
        String url = start(TestJournals.open(dir.resolve("journal"),
                TestJournals.config(ByteSize.ofMebibytes(4), ByteSize.ofMebibytes(1))));
        journal.registerConsumer(acked::get);
        byte[] filler = "f".repeat(16_000).getBytes(StandardCharsets.UTF_8);
        AppendResult r = null;
        for (int i = 0; i < 10_000; i++) {
            r = journal.append(TestBatches.of(Event.line("web", -1, 0, filler, 0)));
            if (!r.appended()) {
                break;
            }
        }
        assertThat(r.status()).as("filled").isEqualTo(AppendResult.Status.FULL_MAX_SIZE);
        head = journal.headSeq();
        journal.whenDurable(head).get(10, TimeUnit.SECONDS);
        return url;
    }

    @Test
    void aFullJournalIs503WithRetryAfterAndTheSameRequestIsTakenOnceThereIsRoom() throws Exception {
        String url = startOnAFullJournal();

        HttpResponse<byte[]> full = client.send(post(url, "one", "two"), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(full.statusCode()).isEqualTo(503);
        assertThat(full.headers().firstValue("Retry-After")).contains("1");
        Status status = Status.parseFrom(full.body());
        assertThat(status.getCode()).isEqualTo(14);
        assertThat(status.getMessage()).contains("journal is full (full_max_size)");
        assertThat(journal.headSeq()).as("nothing of it taken").isEqualTo(head);
        assertThat(input.stats().blocked.sum()).isEqualTo(1);

        acked.set(head); // an output passed everything: retention frees the segments
        assertThat(journal.retain()).isPositive();
        HttpResponse<byte[]> again = client.send(post(url, "one", "two"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(again.statusCode()).isEqualTo(200);
        List<JournalRecord> records = TestJournals.readAll(journal, head, journal.headSeq());
        assertThat(TestJournals.texts(records)).containsExactly("one", "two");
    }

    @Test
    void theJavaSdkExporterRetriesThe503AndItsRecordsArriveOnceTheJournalHasRoom() throws Exception {
        String url = startOnAFullJournal();
        // The SDK's own retry (on 429, 502, 503, 504), waiting Retry-After between attempts; five attempts give
        // the test about four seconds to make room, far more than it needs.
        OtlpHttpLogRecordExporter exporter = OtlpHttpLogRecordExporter.builder().setEndpoint(url)
                .setTimeout(Duration.ofSeconds(20)).setRetryPolicy(RetryPolicy.builder().setMaxAttempts(5)
                        .setInitialBackoff(Duration.ofMillis(200)).setMaxBackoff(Duration.ofSeconds(1)).build())
                .build();
        SdkLoggerProvider provider = SdkLoggerProvider.builder()
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter)).build();
        long firstAnswerMs;
        long retriedInMs;
        try {
            long emittedAt = System.nanoTime();
            provider.get("shop").logRecordBuilder().setBody("waited for room").emit();
            CompletableResultCode flushed = provider.forceFlush();
            await("the exporter answered 503", () -> input.stats().blocked.sum() >= 1);
            firstAnswerMs = (System.nanoTime() - emittedAt) / 1_000_000;
            assertThat(flushed.isDone()).as("still retrying, not given up").isFalse();
            assertThat(journal.headSeq()).as("nothing of it taken").isEqualTo(head);

            acked.set(head);
            assertThat(journal.retain()).isPositive();
            long roomAt = System.nanoTime();
            assertThat(flushed.join(20, TimeUnit.SECONDS).isSuccess()).as("exported after a retry").isTrue();
            retriedInMs = (System.nanoTime() - roomAt) / 1_000_000;
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
        List<JournalRecord> records = TestJournals.readAll(journal, head, journal.headSeq());
        assertThat(TestJournals.texts(records)).as("arrived once").containsExactly("waited for room");
        assertThat(input.stats().accepted.sum()).isEqualTo(1);
        System.out.printf("otlp input: the SDK exporter's first request answered 503 %d ms after the emit; answered "
                + "503 %d time(s); its retry taken %d ms after room was made (Retry-After: %s s)%n", firstAnswerMs,
                input.stats().blocked.sum(), retriedInMs, RequestHandler.RETRY_AFTER_SECONDS);
    }
}
