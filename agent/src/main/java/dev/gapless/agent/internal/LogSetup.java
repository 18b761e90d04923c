package dev.gapless.agent.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.joran.spi.ConsoleTarget;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The agent's log, set up in code (found by logback through {@code META-INF/services}): one line per event on
 * stderr, {@code net.openhft} and {@code io.netty} at WARN, the rest at {@code GAPLESS_LOG_LEVEL} (a system
 * property, else the environment variable; INFO by default). ERROR means data was lost or an operator must act; WARN
 * means recovered.
 *
 * <p>In code rather than {@code logback.xml} because the XML configurator loads about 270 classes (logback's Joran
 * and the JDK's XML parser) that the agent otherwise never uses, some MiB of metaspace for the life of the
 * process. A {@code -Dlogback.configurationFile=...} or a {@code logback-test.xml} on the class path still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{30} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // the user's (or a test's) own configuration
        }
        toStderr(context, level(System.getProperty("GAPLESS_LOG_LEVEL", System.getenv("GAPLESS_LOG_LEVEL"))));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sends the context's events to stderr, the root at {@code rootLevel}. */
    static void toStderr(LoggerContext context, Level rootLevel) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget(ConsoleTarget.SystemErr.getName());
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel);
        root.addAppender(stderr);
        context.getLogger("net.openhft").setLevel(Level.WARN);
        // Chronicle loads its thread-affinity library at start, which warns that JNA is missing (left out on
        // purpose: the agent pins no thread) and falls back to doing nothing.
        context.getLogger("net.openhft.affinity").setLevel(Level.ERROR);
        context.getLogger("io.netty").setLevel(Level.WARN);
        // The kafka output reports its own outcomes; the producer's per-attempt connection warnings would repeat
        // every second of an outage.
        context.getLogger("org.apache.kafka").setLevel(Level.WARN);
        context.getLogger("org.apache.kafka.clients.NetworkClient").setLevel(Level.ERROR);
    }

    /** The level named (any case), INFO when unset or not a level. */
    static Level level(String name) {
        return name == null || name.isBlank() ? Level.INFO : Level.toLevel(name.trim(), Level.INFO);
    }
}
