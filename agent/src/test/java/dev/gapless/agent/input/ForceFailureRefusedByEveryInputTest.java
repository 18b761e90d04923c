package dev.gapless.agent.input;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.input.file.FileInput;
import dev.gapless.agent.input.http.HttpInput;
import dev.gapless.agent.input.tcp.TcpInput;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalHooks;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.file.FileInputConfig;
import dev.gapless.config.input.http.HttpInputConfig;
import dev.gapless.config.input.tcp.TcpInputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a failed force nothing more can be acknowledged, so the journal takes nothing more: every input meets the
 * same refusal (one append path, one rule) and pauses, and the head does not move.
 */
class ForceFailureRefusedByEveryInputTest {

    @TempDir
    Path dir;

    private Journal journal;
    private long headAtFailure;

    @BeforeEach
    void failTheForce() throws Exception {
        journal = TestJournals.open(dir.resolve("journal"));
        long seq = journal.append(TestBatches.of(dev.gapless.agent.event.Event.line("before", -1, 0,
                "before the failure".getBytes(StandardCharsets.UTF_8), 0))).lastSeq();
        journal.whenDurable(seq).get(10, TimeUnit.SECONDS);
        JournalHooks.failForces(journal);
        headAtFailure = journal.headSeq();
    }

    @AfterEach
    void close() {
        journal.close();
    }

    @Test
    void theTcpInputIsRefusedAndPauses() throws Exception {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        TcpInputConfig config = new TcpInputConfig("app", new HostPort("127.0.0.1", 0), ByteSize.ofKibibytes(1), 8,
                TcpInputConfig.DEFAULT_IDLE_TIMEOUT, Optional.empty());
        try (TcpInput input = new TcpInput(config, new JournalIngest(journal, Clock.systemUTC()), boss, workers,
                Clock.systemUTC())) {
            input.start();
            String a = input.boundAddress();
            try (Socket s = new Socket("127.0.0.1", Integer.parseInt(a.substring(a.lastIndexOf(':') + 1)))) {
                OutputStream out = s.getOutputStream();
                out.write("one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                await("the tcp input paused on the refused append", () -> input.stats().blocked.sum() == 1);
                assertThat(journal.headSeq()).as("nothing appended after the failed force").isEqualTo(headAtFailure);
                assertThat(input.stats().accepted.sum()).isZero();
            }
        } finally {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void theFileInputIsRefusedAndPauses() throws Exception {
        Path file = dir.resolve("app.log");
        Files.writeString(file, "one\ntwo\nthree\n", StandardCharsets.UTF_8);
        Path checkpoint = dir.resolve("inputs").resolve("app.checkpoint");
        Files.createDirectories(checkpoint.getParent());
        FileInputConfig config = new FileInputConfig("app", file, FileInputConfig.StartAt.BEGINNING,
                ByteSize.ofKibibytes(1), Duration.ofMillis(10), Optional.empty());
        FileInput input = new FileInput(config, new JournalIngest(journal, Clock.systemUTC()), checkpoint, true,
                Clock.systemUTC());
        try {
            input.start();
            await("the file input paused on the refused append", () -> input.stats().blocked.sum() == 1);
            assertThat(journal.headSeq()).as("nothing appended after the failed force").isEqualTo(headAtFailure);
            assertThat(input.stats().accepted.sum()).isZero();
        } finally {
            input.close();
        }
    }

    @Test
    void theHttpInputIsRefusedAndAnswers503() throws Exception {
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        HttpInputConfig config = new HttpInputConfig("web", new HostPort("127.0.0.1", 0),
                HttpInputConfig.DEFAULT_PATH, ByteSize.ofKibibytes(64), ByteSize.ofKibibytes(256),
                ByteSize.ofKibibytes(1), HttpInputConfig.DEFAULT_MESSAGE_KEY, 8, Duration.ofSeconds(30),
                Optional.empty(), Optional.empty(), Optional.empty());
        try (HttpInput input = new HttpInput(config, new JournalIngest(journal, Clock.systemUTC()), loops, loops,
                Clock.systemUTC())) {
            input.start();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + input.boundAddress() + "/ingest")).timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("one\ntwo\n"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(input.stats().blocked.sum()).isEqualTo(1);
            assertThat(journal.headSeq()).as("nothing appended after the failed force").isEqualTo(headAtFailure);
            assertThat(input.stats().accepted.sum()).isZero();
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
