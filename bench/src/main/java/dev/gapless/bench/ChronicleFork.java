package dev.gapless.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * Base of the benchmarks that open a journal: JMH inherits this {@code @Fork}, so every fork of a subclass
 * gets the JVM flags Chronicle Queue needs on Java 17 (the {@code chronicle.jvm.flags} list of the root pom
 * and of {@code bin/gapless}) and the agent's own heap settings.
 */
@Fork(value = 1, jvmArgsAppend = {
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true",
        "-Dchronicle.announcer.disable=true",
        "-Dchronicle.disk.monitor.disable=true",
        "-Xms32m", "-Xmx128m", "-XX:+UseSerialGC"})
public abstract class ChronicleFork {
}
