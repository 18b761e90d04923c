package dev.gapless.it.support;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Signals Java has no API for ({@code SIGSTOP}, {@code SIGHUP}), sent with {@code kill}. */
public final class Signals {

    private Signals() {
    }

    /** {@code kill -<name> <pid>}, e.g. {@code send("STOP", 4242)}. */
    public static void send(String name, long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kill -" + name + " " + pid + " did not finish within 10 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + pid + " exited " + p.exitValue() + ": "
                    + new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
