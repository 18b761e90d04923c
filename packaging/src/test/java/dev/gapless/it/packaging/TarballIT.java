package dev.gapless.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.it.packaging.TarIndex.Entry;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tarball holds the whole distribution under one top folder, with modes an operator can use as is. */
class TarballIT {

    private static Map<String, Entry> entries;
    private static String top;

    @BeforeAll
    static void readTarball() throws Exception {
        entries = TarIndex.read(Artifacts.tarball());
        top = "gapless-" + Artifacts.version() + "/";
    }

    @Test
    void everyEntryIsUnderOneVersionedTopFolder() {
        assertThat(entries.keySet()).allSatisfy(name -> assertThat(name + "/").startsWith(top));
    }

    @Test
    void launcherIsAnExecutableFile() {
        Entry bin = entries.get(top + "bin/gapless");
        assertThat(bin).as("bin/gapless").isNotNull();
        assertThat(bin.isFile()).isTrue();
        assertThat(bin.mode() & 0777).as("mode of bin/gapless").isEqualTo(0755);
    }

    @Test
    void holdsConfigUnitsPolkitRuleAndReadme() {
        assertThat(entries).containsKeys(top + "README.md", top + "config/gapless.yaml",
                top + "systemd/gapless-agent.service", top + "systemd/gapless-watchdog.service",
                top + "systemd/50-gapless-watchdog.rules");
        assertThat(entries.get(top + "config/gapless.yaml").mode() & 0777).as("config may hold secrets")
                .isEqualTo(0640);
        assertThat(entries.get(top + "systemd/gapless-agent.service").mode() & 0777).isEqualTo(0644);
        assertThat(entries.get(top + "README.md").mode() & 0777).isEqualTo(0644);
    }

    @Test
    void agentAndWatchdogHaveSeparateClassPaths() {
        List<String> agentJars = jars("lib/agent/");
        List<String> watchdogJars = jars("lib/watchdog/");
        assertThat(agentJars).contains("gapless-agent-" + Artifacts.version() + ".jar",
                "gapless-config-" + Artifacts.version() + ".jar");
        assertThat(watchdogJars).contains("gapless-watchdog-" + Artifacts.version() + ".jar",
                "gapless-config-" + Artifacts.version() + ".jar");
        assertThat(watchdogJars).as("the watchdog's JVM never loads agent code")
                .noneMatch(j -> j.startsWith("gapless-agent") || j.startsWith("chronicle") || j.startsWith("netty"));
    }

    @Test
    void shipsNoTestSourceOrAnalyticsJarsAndSaneModes() {
        assertThat(entries.keySet()).noneMatch(n -> n.endsWith("-tests.jar") || n.endsWith("-sources.jar")
                || n.contains("junit") || n.contains("assertj") || n.contains("chronicle-analytics"));
        for (Entry e : entries.values()) {
            int mode = e.mode() & 0777;
            assertThat(mode & 0022).as("%s is not group/world writable", e.name()).isZero();
            if (e.isDirectory()) {
                assertThat(mode).as("directory %s", e.name()).isEqualTo(0755);
            } else if (e.name().endsWith(".jar")) {
                assertThat(mode).as("jar %s", e.name()).isEqualTo(0644);
            }
        }
    }

    @Test
    void holdsTheLicenceAndANoticeNamingEveryBundledLibrary() throws Exception {
        assertThat(entries).containsKeys(top + "LICENSE", top + "NOTICE");
        assertThat(entries.get(top + "LICENSE").mode() & 0777).isEqualTo(0644);
        String license = java.nio.file.Files.readString(Artifacts.home().resolve("LICENSE"));
        assertThat(license).contains("Apache License", "Version 2.0, January 2004");
        // The library column of NOTICE: jar names, a trailing * standing for any suffix.
        List<String> named = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(Artifacts.home().resolve("NOTICE"))) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\S.*?)\\s{2,}\\S.*\\s{2,}\\S.*$")
                    .matcher(line);
            if (m.matches()) {
                for (String name : m.group(1).split(",\\s*")) {
                    named.add(name.strip());
                }
            }
        }
        List<String> libraries = java.util.stream.Stream
                .concat(jars("lib/agent/").stream(), jars("lib/watchdog/").stream())
                .filter(j -> !j.startsWith("gapless-")).map(j -> j.replaceFirst("-\\d[^-]*(-native)?\\.jar$", ""))
                .distinct().toList();
        assertThat(libraries).isNotEmpty().allSatisfy(lib -> assertThat(named)
                .as("NOTICE names the bundled %s", lib)
                .anyMatch(n -> n.endsWith("*") ? lib.startsWith(n.substring(0, n.length() - 1)) : lib.equals(n)));
    }

    private static List<String> jars(String folder) {
        return entries.keySet().stream().filter(n -> n.startsWith(top + folder) && n.endsWith(".jar"))
                .map(n -> n.substring((top + folder).length())).sorted().collect(Collectors.toList());
    }
}
