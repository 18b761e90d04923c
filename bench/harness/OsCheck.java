// Reads an OpenSearch index back (scroll, 10,000 documents a page, only each document's "message") and checks
// LoadGen.java's seqs in it (bench/output-bench.sh opensearch). Writes RESULT_JSON (SeqCount's figures), exit 0
// when none is lost, 3 otherwise. The elasticsearch output's _id (agent id and seq) makes a duplicate document
// impossible; "duplicates" counts the same generator line stored under two agent seqs.
//
//   java -cp TOOLS OsCheck BASE_URL INDEX TOTAL RESULT_JSON TIMEOUT_S
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class OsCheck {

    static final Pattern SCROLL_ID = Pattern.compile("\"_scroll_id\":\"([^\"]+)\"");
    static final Pattern MESSAGE = Pattern.compile("\"message\":\"([^\"]*)\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        SeqCount count = new SeqCount(Long.parseLong(args[2]));
        long deadline = System.nanoTime() + Long.parseLong(args[4]) * 1_000_000_000L;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        post(client, base + "/" + args[1] + "/_refresh", "");
        String page = post(client, base + "/" + args[1] + "/_search?scroll=2m",
                "{\"size\":10000,\"_source\":[\"message\"],\"sort\":[\"_doc\"]}");
        while (System.nanoTime() < deadline) {
            int hits = 0;
            Matcher m = MESSAGE.matcher(page);
            while (m.find()) {
                byte[] msg = m.group(1).getBytes(StandardCharsets.US_ASCII);
                count.add(msg, 0, msg.length);
                hits++;
            }
            Matcher id = SCROLL_ID.matcher(page);
            if (hits == 0 || !id.find()) {
                break;
            }
            page = post(client, base + "/_search/scroll", "{\"scroll\":\"2m\",\"scroll_id\":\"" + id.group(1) + "\"}");
        }
        String json = count.json();
        Files.writeString(Path.of(args[3]), json + "\n");
        System.out.println(json);
        System.exit(count.distinct() >= count.total ? 0 : 3);
    }

    static String post(HttpClient client, String url, String body) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }
}
