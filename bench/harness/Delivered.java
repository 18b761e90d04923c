// Watches an agent's /health (JSON served from memory, the cheapest thing to poll) every INTERVAL_MS and records
// a timeline "epoch_ns accepted head_seq acked_seq" (accepted: the input's, head: the journal's, acked: the
// output's). Ends when the input has accepted TARGET events and the output's acked_seq has reached the journal's
// head (everything taken is delivered): writes RESULT_JSON with done_ns, the time of the first poll that saw it
// (exit 0), or at the timeout (exit 3). A poll that fails (the agent restarting) is skipped. Run with
// `java Delivered.java`; see bench/output-bench.sh.
//
//   java Delivered.java ADMIN(host:port) INPUT_ID OUTPUT_ID TARGET TIMELINE RESULT_JSON TIMEOUT_S [INTERVAL_MS (100)]
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Delivered {

    static final Pattern WHITE = Pattern.compile("\\s+");

    static long nowNs() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    public static void main(String[] args) throws Exception {
        URI health = URI.create("http://" + args[0] + "/health");
        Pattern accepted = Pattern.compile("\"inputs\":\\{.*?\"" + Pattern.quote(args[1])
                + "\":\\{[^}]*?\"accepted\":(\\d+)");
        Pattern journalHead = Pattern.compile("\"journal\":\\{[^}]*?\"head_seq\":(-?\\d+)");
        Pattern acked = Pattern.compile("\"outputs\":\\{.*?\"" + Pattern.quote(args[2])
                + "\":\\{[^}]*?\"acked_seq\":(-?\\d+)");
        long target = Long.parseLong(args[3]);
        Path timeline = Path.of(args[4]);
        Path result = Path.of(args[5]);
        long deadline = System.nanoTime() + Long.parseLong(args[6]) * 1_000_000_000L;
        long interval = args.length > 7 ? Long.parseLong(args[7]) : 100;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET().build();
        long doneNs = -1;
        long lastAcc = -1;
        long lastHead = -1;
        long lastAcked = -1;
        // Flushed per line: the script starts the load once the first sample is there.
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(timeline), true)) {
            while (System.nanoTime() < deadline) {
                long t0 = System.nanoTime();
                String body;
                try {
                    // Pretty-printed JSON: without white space the patterns below stay simple.
                    body = WHITE.matcher(client.send(request, HttpResponse.BodyHandlers.ofString()).body())
                            .replaceAll("");
                } catch (IOException e) {
                    body = null;
                }
                long now = nowNs();
                if (body != null) {
                    Matcher a = accepted.matcher(body);
                    Matcher h = journalHead.matcher(body);
                    Matcher k = acked.matcher(body);
                    if (a.find() && h.find() && k.find()) {
                        lastAcc = Long.parseLong(a.group(1));
                        lastHead = Long.parseLong(h.group(1));
                        lastAcked = Long.parseLong(k.group(1));
                        out.printf("%d %d %d %d%n", now, lastAcc, lastHead, lastAcked);
                        if (lastAcc >= target && lastAcked >= lastHead) {
                            doneNs = now;
                            break;
                        }
                    }
                }
                long wait = interval * 1_000_000L - (System.nanoTime() - t0);
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L)); // the poll interval
                }
            }
        }
        String json = String.format("{\"complete\":%b,\"done_ns\":%d,\"accepted\":%d,\"head_seq\":%d,"
                + "\"acked_seq\":%d}%n", doneNs > 0, doneNs, lastAcc, lastHead, lastAcked);
        Path tmp = Path.of(args[5] + ".tmp");
        Files.writeString(tmp, json);
        Files.move(tmp, result, StandardCopyOption.ATOMIC_MOVE);
        System.exit(doneNs > 0 ? 0 : 3);
    }
}
