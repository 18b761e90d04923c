package dev.gapless.config;

/** Where the watchdog sends alerts, besides its own log. */
public sealed interface AlertConfig permits WebhookAlertConfig {

    /** The YAML {@code type} of this alert channel. */
    String type();
}
