package dev.gapless.config;

import java.util.Objects;

/**
 * An admin HTTP listener ({@code /health}, {@code /metrics}, {@code /metrics/prometheus}).
 *
 * @param listen where to bind; localhost unless configured otherwise
 */
public record AdminConfig(HostPort listen) {

    public static final AdminConfig AGENT_DEFAULT = new AdminConfig(new HostPort("127.0.0.1", 9680));
    public static final AdminConfig WATCHDOG_DEFAULT = new AdminConfig(new HostPort("127.0.0.1", 9681));

    public AdminConfig {
        Objects.requireNonNull(listen, "listen");
    }
}
