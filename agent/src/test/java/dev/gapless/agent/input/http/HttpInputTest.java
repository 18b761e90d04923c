package dev.gapless.agent.input.http;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.auth.BearerAuth;
import dev.gapless.config.input.http.HttpInputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real http input over a real journal for the whole class, its bearer token in a file: real {@code curl} for
 * NDJSON, gzip and text, {@link HttpClient} for the rest, every event read back from the journal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpInputTest {

    private static final String TOKEN = "s3cret-t0ken";
    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_INFLATED = 256 * 1024;

    @TempDir
    static Path dir;

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Journal journal;
    private HttpInput input;
    private String url;

    @BeforeAll
    void start() throws Exception {
        journal = TestJournals.open(dir.resolve("journal"));
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        HttpInputConfig config = new HttpInputConfig("web", new HostPort("127.0.0.1", 0),
                HttpInputConfig.DEFAULT_PATH, ByteSize.ofBytes(MAX_BODY), ByteSize.ofBytes(MAX_INFLATED),
                ByteSize.ofKibibytes(8), HttpInputConfig.DEFAULT_MESSAGE_KEY, 16, Duration.ofSeconds(30),
                Optional.of(new BearerAuth(Optional.of(tokenFile), Optional.empty())), Optional.empty(),
                Optional.empty());
        input = new HttpInput(config, new JournalIngest(journal, Clock.systemUTC()), boss, workers,
                Clock.systemUTC());
        input.start();
        url = "http://" + input.boundAddress() + "/ingest";
    }

    @AfterAll
    void stop() {
        input.close();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        journal.close();
    }

    /** Runs curl (the real one on this machine) and returns its output: the answer's body, then its status. */
    private String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "15", "-w", " %{http_code}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("curl finished").isTrue();
            return out.trim();
        } finally {
            p.destroyForcibly();
        }
    }

    private HttpResponse<String> post(String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", contentType).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String contentType, String body) throws Exception {
        return post(contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The records appended since {@code head}, which must be durable already (the 200 said so). */
    private List<JournalRecord> since(long head) throws Exception {
        assertThat(journal.durableSeq()).as("durable before the answer").isGreaterThanOrEqualTo(journal.headSeq());
        return TestJournals.readAll(journal, head, journal.headSeq());
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void curlNdjsonIsAnsweredOnceDurableAndReadsBackWithItsFields() throws Exception {
        long head = journal.headSeq();
        long accepted = input.stats().accepted.sum();
        Path body = dir.resolve("events.ndjson");
        Files.writeString(body, "{\"message\":\"first\",\"level\":\"info\",\"user\":{\"id\":7}}\n"
                + "{\"message\":\"second\",\"level\":\"warn\"}\n\n{\"message\":[1,2],\"n\":3}\n");

        String out = curl("--data-binary", "@" + body, "-H", "Content-Type: application/x-ndjson",
                "-H", "Authorization: Bearer " + TOKEN, url);

        assertThat(out).isEqualTo("{\"accepted\":3}\n 200");
        List<JournalRecord> records = since(head);
        assertThat(records).extracting(r -> text(r.message())).containsExactly("first", "second", "[1,2]");
        assertThat(records).extracting(r -> text(r.extra())).containsExactly(
                "{\"level\":\"info\",\"user\":{\"id\":7}}", "{\"level\":\"warn\"}", "{\"n\":3}");
        assertThat(records).extracting(JournalRecord::source).containsOnly("web");
        await("accepted counted", () -> input.stats().accepted.sum() == accepted + 3);
    }

    @Test
    void curlGzipBodyIsInflatedAndTaken() throws Exception {
        long head = journal.headSeq();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            lines.append("{\"message\":\"zipped ").append(i).append("\",\"i\":").append(i).append("}\n");
        }
        Path gz = dir.resolve("events.ndjson.gz");
        Files.write(gz, gzip(lines.toString().getBytes(StandardCharsets.UTF_8)));

        String out = curl("--data-binary", "@" + gz, "-H", "Content-Encoding: gzip",
                "-H", "Content-Type: application/json", "-H", "Authorization: Bearer " + TOKEN, url);

        assertThat(out).isEqualTo("{\"accepted\":500}\n 200");
        List<JournalRecord> records = since(head);
        assertThat(records).hasSize(500);
        assertThat(text(records.get(499).message())).isEqualTo("zipped 499");
        assertThat(text(records.get(499).extra())).isEqualTo("{\"i\":499}");
    }

    @Test
    void curlTextLinesAreEventsEach() throws Exception {
        long head = journal.headSeq();
        Path body = dir.resolve("lines.txt");
        Files.writeString(body, "plain one\r\nplain two\n\nplain three");

        String out = curl("--data-binary", "@" + body, "-H", "Content-Type: text/plain; charset=utf-8",
                "-H", "Authorization: Bearer " + TOKEN, url);

        assertThat(out).isEqualTo("{\"accepted\":3}\n 200");
        assertThat(since(head)).extracting(r -> text(r.message()))
                .containsExactly("plain one", "plain two", "plain three");
    }

    @Test
    void aJsonArrayOfObjectsIsTaken() throws Exception {
        long head = journal.headSeq();
        HttpResponse<String> r = post("application/json",
                "[{\"message\":\"a\",\"host\":\"h1\"},{\"message\":\"b\",\"host\":\"h2\"}]");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"accepted\":2}\n");
        assertThat(since(head)).extracting(x -> text(x.message()) + " " + text(x.extra()))
                .containsExactly("a {\"host\":\"h1\"}", "b {\"host\":\"h2\"}");
    }

    @Test
    void aBadLineRefusesTheWholeRequestNamingItAndTheNextRequestIsTaken() throws Exception {
        long head = journal.headSeq();
        long rejected = input.stats().rejected.sum();

        HttpResponse<String> bad = post("application/x-ndjson",
                "{\"message\":\"good one\"}\n{\"message\":\"good two\"}\n{\"message\": nope}\n{\"message\":\"4\"}\n");

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).startsWith("{\"error\":\"line 3: invalid JSON: ");
        assertThat(journal.headSeq()).as("none of the request appended").isEqualTo(head);
        assertThat(input.stats().rejected.sum()).as("its 4 events counted rejected").isEqualTo(rejected + 4);

        HttpResponse<String> good = post("application/x-ndjson", "{\"message\":\"after the bad one\"}\n");
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(since(head)).extracting(x -> text(x.message())).containsExactly("after the bad one");
    }

    @Test
    void anEnvelopeIsRelayedWholeWithTheAgentItCameFrom() throws Exception {
        long head = journal.headSeq();
        String envelope = "{\"v\":1,\"kind\":\"event\",\"agent_id\":\"edge-1\",\"boot_id\":\"b\",\"seq\":1234,"
                + "\"source\":\"app\",\"message\":\"relayed line\",\"tags\":[]}";

        HttpResponse<String> r = post("application/x-ndjson", envelope + "\n");

        assertThat(r.statusCode()).isEqualTo(200);
        List<JournalRecord> records = since(head);
        assertThat(records).extracting(x -> text(x.message())).containsExactly(envelope);
        assertThat(records).extracting(x -> text(x.extra())).containsExactly("{\"relayed_from\":\"edge-1\"}");
    }

    @Test
    void withoutTheTokenItIs401AndNothingIsTaken() throws Exception {
        long head = journal.headSeq();
        for (String auth : new String[] {null, "Bearer wrong", "Bearer " + TOKEN + "x", "Basic " + TOKEN}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("should not be taken\n"));
            if (auth != null) {
                b.header("Authorization", auth);
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(String.valueOf(auth)).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer");
            assertThat(r.body()).doesNotContain(TOKEN);
        }
        assertThat(journal.headSeq()).isEqualTo(head);
        HttpResponse<String> r = post("text/plain", "with the token\n".getBytes(StandardCharsets.UTF_8),
                "Authorization", "bearer " + TOKEN);
        assertThat(r.statusCode()).as("the scheme is case-insensitive").isEqualTo(200);
    }

    @Test
    void anotherPathIs404AndAnotherMethod405() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url.replace("/ingest", "/other")))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("x\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("/ingest");

        r = client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).contains("POST");

        r = post("application/xml", "<x/>");
        assertThat(r.statusCode()).isEqualTo(415);
    }

    @Test
    void aBodyOverMaxBodyBytesIs413WhetherDeclaredOrChunked() throws Exception {
        long head = journal.headSeq();
        byte[] big = "line\n".repeat(MAX_BODY / 5 + 1).getBytes(StandardCharsets.UTF_8);

        assertThat(post("text/plain", big).statusCode()).as("Content-Length over the max").isEqualTo(413);
        HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "text/plain").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).as("chunked past the max").isEqualTo(413);
        assertThat(chunked.body()).contains("max_body_bytes");
        assertThat(journal.headSeq()).isEqualTo(head);
        assertThat(post("text/plain", "still served\n").statusCode()).isEqualTo(200);
    }

    @Test
    void aZipBombIsRefused413WithoutInflatingIt() throws Exception {
        long head = journal.headSeq();
        byte[] bomb = gzip(new byte[16 << 20]); // 16 MiB of zeros in ~16 KiB: inflation stops at 256 KiB
        assertThat(bomb.length).isLessThan(MAX_BODY);

        HttpResponse<String> r = post("text/plain", bomb, "Content-Encoding", "gzip");

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("max_decompressed_bytes");
        assertThat(journal.headSeq()).isEqualTo(head);
        HttpResponse<String> notGzip = post("text/plain", "not gzip at all".getBytes(StandardCharsets.UTF_8),
                "Content-Encoding", "gzip");
        assertThat(notGzip.statusCode()).isEqualTo(400);
        assertThat(notGzip.body()).contains("invalid gzip body");
    }

    @Test
    void anEventOverMaxEventBytesRefusesItsRequest413NamingTheLine() throws Exception {
        long head = journal.headSeq();
        HttpResponse<String> r = post("application/x-ndjson",
                "{\"message\":\"small\"}\n{\"message\":\"" + "z".repeat(9000) + "\"}\n");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("line 2: an event of 9000 bytes");
        assertThat(journal.headSeq()).isEqualTo(head);
    }

    @Test
    void pipelinedRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
        long head = journal.headSeq();
        String auth = "Authorization: Bearer " + TOKEN + "\r\n";
        String two = "POST /ingest HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: text/plain\r\n"
                + "Content-Length: 6\r\n\r\nfirst\n"
                + "POST /nowhere HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 2\r\n\r\nx\n"
                + "POST /ingest HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: text/plain\r\n"
                + "Content-Length: 7\r\nConnection: close\r\n\r\nsecond\n";
        String a = input.boundAddress();
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(a.substring(a.lastIndexOf(':') + 1)))) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(two.getBytes(StandardCharsets.UTF_8));
            String answers = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answers.split("HTTP/1.1 ", -1)).extracting(x -> x.isEmpty() ? "" : x.substring(0, 3))
                    .containsExactly("", "200", "404", "200");
        }
        assertThat(since(head)).extracting(x -> text(x.message())).containsExactly("first", "second");
    }

    @Test
    void curlWaitingFor100ContinueGetsItOrTheRefusalBeforeSendingTheBody() throws Exception {
        long head = journal.headSeq();
        Path small = dir.resolve("small.txt");
        Files.writeString(small, "continued\n");
        Path big = dir.resolve("big.txt");
        Files.writeString(big, "b\n".repeat(MAX_BODY));

        assertThat(curl("--data-binary", "@" + small, "-H", "Expect: 100-continue", "-H", "Content-Type: text/plain",
                "-H", "Authorization: Bearer " + TOKEN, url)).isEqualTo("{\"accepted\":1}\n 200");
        assertThat(curl("--data-binary", "@" + big, "-H", "Expect: 100-continue", "-H", "Content-Type: text/plain",
                "-H", "Authorization: Bearer " + TOKEN, url)).endsWith(" 413").contains("max_body_bytes");
        assertThat(since(head)).extracting(x -> text(x.message())).containsExactly("continued");
    }
}
