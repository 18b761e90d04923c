package dev.gapless.config.output.loki;

import dev.gapless.config.Codec;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.OutputCommon;
import dev.gapless.config.plugin.OutputType;
import dev.gapless.config.plugin.Settings;
import dev.gapless.config.tls.ClientTls;
import dev.gapless.config.tls.TlsSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code type: loki}: batches pushed to Loki as JSON streams. */
public final class LokiOutputType implements OutputType<LokiOutputConfig> {

    public static final String NAME = "loki";
    public static final LokiOutputType INSTANCE = new LokiOutputType();

    /** Loki's (Prometheus's) label names; names starting with {@code __} are reserved. */
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> ENVELOPE_LABEL_KEYS = Set.of("source", "host", "kind");
    private static final Pattern FIELD_PATH = Pattern.compile("fields(\\.[^.]+)+");

    private LokiOutputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<LokiOutputConfig> configClass() {
        return LokiOutputConfig.class;
    }

    @Override
    public Codec defaultCodec() {
        return Codec.JSON_LINES;
    }

    /** The label a label_fields entry makes: its last segment, characters Loki refuses turned into {@code _}. */
    public static String labelName(String labelField) {
        String last = labelField.substring(labelField.lastIndexOf('.') + 1).replaceAll("[^a-zA-Z0-9_]", "_");
        return Character.isDigit(last.charAt(0)) ? "_" + last : last;
    }

    @Override
    public LokiOutputConfig bind(Settings s, OutputCommon c) {
        URI url = s.required("url", Kind.HTTP_URL);
        // header names are a superset of label names: checked as labels below
        Map<String, String> labels = s.get("labels", Kind.HEADERS, LokiOutputConfig.DEFAULT_LABELS);
        List<String> labelFields = s.get("label_fields", Kind.STRING_LIST, List.of());
        LokiOutputConfig.LineFormat lineFormat = s.get("line_format", Kind.oneOf(LokiOutputConfig.LineFormat.class),
                LokiOutputConfig.DEFAULT_LINE_FORMAT);
        Optional<String> tenant = s.optional("tenant_id", Kind.NON_EMPTY_STRING);
        Optional<Path> bearer = s.optional("bearer_token_file", Kind.PATH);
        Settings b = s.section("basic_auth", "basic authentication (username, password_file)");
        Optional<String> username = b.optional("username", Kind.NON_EMPTY_STRING);
        Optional<Path> passwordFile = b.optional("password_file", Kind.PATH);
        Duration timeout = s.get("timeout", Kind.POSITIVE_DURATION, LokiOutputConfig.DEFAULT_TIMEOUT);
        int maxStreams = s.get("max_streams", Kind.integer(1, 10_000), LokiOutputConfig.DEFAULT_MAX_STREAMS);
        boolean https = url != null && "https".equalsIgnoreCase(url.getScheme());
        Settings t = s.section("tls", "the TLS settings (ca_file, cert_file, key_file, verify, server_name)");
        boolean ok = true;
        if (url != null && !https && t.written()) {
            s.problem("tls is set but url " + url + " is plain http: use https:// or remove tls", "url");
            ok = false;
        }
        Optional<ClientTls> tls = TlsSettings.client(t, https);
        if (c.codec() != null && c.codec() != Codec.JSON_LINES) {
            s.problem("the loki output reads each event's envelope: codec must be json_lines", "codec");
            ok = false;
        }
        ok &= checkLabels(s, labels, labelFields);
        if (b.written() && (username.isEmpty() || passwordFile.isEmpty())) {
            b.problem("basic_auth needs a username and a password_file", "username", "password_file");
            ok = false;
        }
        if (b.written() && bearer.isPresent()) {
            s.problem("give basic_auth or bearer_token_file, not both", "bearer_token_file");
            ok = false;
        }
        if (!ok || c.id() == null || url == null || tls == null || (b.written()
                && (username.isEmpty() || passwordFile.isEmpty()))) {
            return null;
        }
        Optional<LokiOutputConfig.BasicAuth> basic = username.map(u -> new LokiOutputConfig.BasicAuth(u,
                passwordFile.get()));
        return new LokiOutputConfig(c.id(), url, labels, labelFields, lineFormat, tenant, basic, bearer, timeout,
                maxStreams, tls, c.codec(), c.batch(), c.retry());
    }

    private static boolean checkLabels(Settings s, Map<String, String> labels, List<String> labelFields) {
        boolean ok = true;
        if (labels.isEmpty()) {
            s.problem("Loki needs at least one label on every stream: give one in labels (e.g. job: gapless)",
                    "labels");
            ok = false;
        }
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, String> l : labels.entrySet()) {
            if (!LABEL_NAME.matcher(l.getKey()).matches() || l.getKey().startsWith("__")) {
                s.problem("'" + l.getKey() + "' is not a Loki label name (letters, digits and _, not starting with"
                        + " a digit or __)", "labels");
                ok = false;
            }
            if (l.getValue().isEmpty()) {
                s.problem("label '" + l.getKey() + "' is empty: Loki drops empty labels", "labels");
                ok = false;
            }
            names.add(l.getKey());
        }
        if (labelFields.size() > LokiOutputConfig.MAX_LABEL_FIELDS) {
            s.problem("at most " + LokiOutputConfig.MAX_LABEL_FIELDS + " label_fields: each value seen multiplies "
                    + "the streams Loki indexes; keep the rest in the line", "label_fields");
            ok = false;
        }
        List<String> bad = new ArrayList<>();
        for (String f : labelFields) {
            if (!ENVELOPE_LABEL_KEYS.contains(f) && !FIELD_PATH.matcher(f).matches()) {
                bad.add(f);
            } else if (!names.add(labelName(f))) {
                s.problem("label_fields '" + f + "' makes label '" + labelName(f) + "', which another label has",
                        "label_fields");
                ok = false;
            }
        }
        if (!bad.isEmpty()) {
            s.problem("label_fields takes source, host, kind or fields.<name>[.<name>…], got " + bad,
                    "label_fields");
            ok = false;
        }
        if (names.size() > LokiOutputConfig.MAX_LABELS) {
            s.problem("at most " + LokiOutputConfig.MAX_LABELS + " labels per stream (Loki's default limit), got "
                    + names.size(), "labels", "label_fields");
            ok = false;
        }
        return ok;
    }
}
