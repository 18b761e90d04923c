package dev.gapless.config.output.kafka;

import dev.gapless.config.Codec;
import dev.gapless.config.FieldPath;
import dev.gapless.config.Durations;
import dev.gapless.config.HostPort;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.OutputCommon;
import dev.gapless.config.plugin.OutputType;
import dev.gapless.config.plugin.Settings;
import dev.gapless.config.tls.ClientTls;
import dev.gapless.config.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code type: kafka}: one Kafka record per event, acknowledged by all in-sync replicas. */
public final class KafkaOutputType implements OutputType<KafkaOutputConfig> {

    public static final String NAME = "kafka";
    public static final KafkaOutputType INSTANCE = new KafkaOutputType();

    /** Kafka's legal topic names (its {@code Topic.validate}): these characters, at most 249 of them. */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private KafkaOutputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<KafkaOutputConfig> configClass() {
        return KafkaOutputConfig.class;
    }

    @Override
    public Codec defaultCodec() {
        return KafkaOutputConfig.DEFAULT_CODEC;
    }

    /** Whether Kafka takes {@code name} as a topic: up to 249 letters, digits, '.', '_' and '-', not '.' or '..'. */
    public static boolean isTopicName(String name) {
        return TOPIC.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    @Override
    public KafkaOutputConfig bind(Settings s, OutputCommon c) {
        List<HostPort> servers = s.required("bootstrap_servers", Kind.CONNECT_ADDRESS_LIST);
        String topic = s.required("topic", Kind.NON_EMPTY_STRING);
        if (topic != null && !isTopicName(topic)) {
            s.problem("expected a Kafka topic name (up to 249 letters, digits, '.', '_' and '-', not '.' or '..'), "
                    + "got '" + topic + "'", "topic");
            topic = null;
        }
        KafkaOutputConfig.Key key = s.get("key", Kind.oneOf(KafkaOutputConfig.Key.class),
                KafkaOutputConfig.DEFAULT_KEY);
        KafkaOutputConfig.Compression compression = s.get("compression",
                Kind.oneOf(KafkaOutputConfig.Compression.class), KafkaOutputConfig.DEFAULT_COMPRESSION);
        Duration delivery = s.get("delivery_timeout", Kind.POSITIVE_DURATION,
                KafkaOutputConfig.DEFAULT_DELIVERY_TIMEOUT);
        Duration request = s.get("request_timeout", Kind.POSITIVE_DURATION, KafkaOutputConfig.DEFAULT_REQUEST_TIMEOUT);
        Duration linger = s.get("linger", Kind.DURATION, KafkaOutputConfig.DEFAULT_LINGER);
        if (delivery.compareTo(request.plus(linger)) < 0) {
            // the producer refuses it: a record must be allowed at least one request after lingering
            s.problem("delivery_timeout (" + Durations.format(delivery) + ") must be at least request_timeout + "
                    + "linger (" + Durations.format(request.plus(linger)) + ")", "delivery_timeout", "request_timeout");
        }
        if (delivery.toMillis() > Integer.MAX_VALUE || request.toMillis() > Integer.MAX_VALUE
                || linger.toMillis() > Integer.MAX_VALUE) {
            s.problem("Kafka takes timeouts of at most " + Integer.MAX_VALUE + "ms", "delivery_timeout",
                    "request_timeout", "linger");
        }
        Optional<ClientTls> tls = TlsSettings.client(s.section("tls", "the TLS settings"), false);
        if (tls != null && tls.isPresent() && !tls.get().verify()) {
            // the producer can skip the host name check but not the chain's: name the CA instead
            s.problem("the kafka output always checks the brokers' certificates: give their CA in tls.ca_file "
                    + "instead of verify: false", "tls");
        }
        if (tls != null && tls.isPresent() && tls.get().serverName().isPresent()) {
            s.problem("the kafka output checks each broker's own advertised name: remove tls.server_name", "tls");
        }
        Optional<KafkaOutputConfig.Sasl> sasl = sasl(s.section("sasl", "the SASL settings"));
        Optional<FieldPath> keyField = s.optional("key_field", Kind.FIELD_PATH);
        Optional<FieldPath> topicField = s.optional("topic_field", Kind.FIELD_PATH);
        boolean routed = keyField.isPresent() || topicField.isPresent();
        if (routed && c.codec() != Codec.JSON_LINES) {
            // codec: line sends the message bytes alone: there are no fields to read
            s.problem("key_field and topic_field read the event's fields, which only codec: json_lines carries",
                    "key_field", "topic_field");
        }
        if (c.id() == null || tls == null || servers == null || servers.isEmpty() || topic == null
                || routed && c.codec() != Codec.JSON_LINES) {
            return null;
        }
        return new KafkaOutputConfig(c.id(), servers, topic, key, compression, delivery, request, linger, tls, sasl,
                c.codec(), c.batch(), c.retry(), new KafkaOutputConfig.Routing(keyField, topicField));
    }

    /** On when a mechanism is named; it then needs a username and a password file, and they need it. */
    private static Optional<KafkaOutputConfig.Sasl> sasl(Settings a) {
        Optional<String> mechanism = a.optional("mechanism", Kind.NON_EMPTY_STRING);
        Optional<String> username = a.optional("username", Kind.NON_EMPTY_STRING);
        Optional<Path> passwordFile = a.optional("password_file", Kind.PATH);
        if (mechanism.isEmpty()) {
            if (username.isPresent() || passwordFile.isPresent()) {
                a.problem("sasl needs a mechanism (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)", "username",
                        "password_file");
            }
            return Optional.empty();
        }
        KafkaOutputConfig.Mechanism m = null;
        for (KafkaOutputConfig.Mechanism candidate : KafkaOutputConfig.Mechanism.values()) {
            if (candidate.kafkaName().equals(mechanism.get().toUpperCase(Locale.ROOT))) {
                m = candidate;
            }
        }
        if (m == null) {
            a.problem("expected a SASL mechanism, one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got '"
                    + mechanism.get() + "'", "mechanism");
        }
        if (username.isEmpty() || passwordFile.isEmpty()) {
            a.problem("sasl " + mechanism.get() + " needs a username and a password_file", "mechanism");
        }
        if (m == null || username.isEmpty() || passwordFile.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new KafkaOutputConfig.Sasl(m, username.get(), passwordFile.get()));
    }
}
