package dev.gapless.it.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Where {@code mvn package} left the artifacts under test; Failsafe passes the paths as system properties. */
final class Artifacts {

    private Artifacts() {
    }

    /** The distribution folder, {@code packaging/target/gapless}. */
    static Path home() {
        return Path.of(property("gapless.home"));
    }

    static Path launcher() {
        return home().resolve("bin/gapless");
    }

    static Path tarball() {
        return Path.of(property("gapless.tarball"));
    }

    /** {@code packaging/src}: the unit files and the packaged config as written. */
    static Path sources() {
        return Path.of(property("gapless.src"));
    }

    /** The one {@code gapless_<version>_all.deb} in target/. */
    static String version() {
        return property("gapless.version");
    }

    static Path deb() throws IOException {
        Path dir = Path.of(property("gapless.deb.dir"));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> debs = files.filter(p -> p.getFileName().toString().matches("gapless_.*_all\\.deb"))
                    .collect(Collectors.toList());
            if (debs.size() != 1) {
                throw new AssertionError("expected one gapless_*_all.deb in " + dir + ", found " + debs);
            }
            return debs.get(0);
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set (run through Failsafe)");
        }
        return value;
    }
}
