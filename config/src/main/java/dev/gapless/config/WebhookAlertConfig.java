package dev.gapless.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP POST of the incident as JSON.
 *
 * @param url         where to POST
 * @param timeout     one attempt fails after this long
 * @param maxAttempts attempts per alert; after the last one the alert is logged as undelivered
 * @param headers     extra request headers
 */
public record WebhookAlertConfig(URI url, Duration timeout, int maxAttempts, Map<String, String> headers)
        implements AlertConfig {

    public static final String TYPE = "webhook";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    public WebhookAlertConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeout, "timeout");
        headers = Map.copyOf(headers);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
