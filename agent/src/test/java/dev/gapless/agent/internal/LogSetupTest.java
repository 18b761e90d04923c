package dev.gapless.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class LogSetupTest {

    @Test
    void levelFromTheEnvironmentInAnyCaseElseInfo() {
        assertThat(LogSetup.level("debug")).isEqualTo(Level.DEBUG);
        assertThat(LogSetup.level(" WARN ")).isEqualTo(Level.WARN);
        assertThat(LogSetup.level(null)).isEqualTo(Level.INFO);
        assertThat(LogSetup.level("")).isEqualTo(Level.INFO);
        assertThat(LogSetup.level("loud")).isEqualTo(Level.INFO);
    }

    @Test
    void writesOneLinePerEventToStderrAndQuietsTheLibraries() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // as SLF4J's provider does
        try {
            LogSetup.toStderr(context, Level.INFO);
            context.getLogger("dev.gapless.agent.Thing").info("hello {}", 42);
            context.getLogger("dev.gapless.agent.Thing").debug("not shown");
            context.getLogger("io.netty.Channel").info("not shown either");
            context.getLogger("net.openhft.chronicle.Queue").warn("a warning");
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR"))
                    .isInstanceOf(ConsoleAppender.class);
        } finally {
            context.stop();
            System.setErr(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out.lines()).hasSize(2);
        assertThat(out).containsPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ INFO  \\[[^]]+\\] "
                + "dev\\.gapless\\.agent\\.Thing - hello 42").contains("WARN ").contains("a warning");
    }
}
