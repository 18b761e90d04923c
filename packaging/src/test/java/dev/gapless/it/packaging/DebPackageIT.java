package dev.gapless.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb built by jdeb, read with {@code dpkg-deb} (skipped where it is not installed): its control
 * metadata, maintainer scripts, conffile, file list and modes, and that the unpacked tree runs.
 */
class DebPackageIT {

    private static final Duration QUICK = Duration.ofSeconds(30);
    /** {@code -rwxr-xr-x root/root 3209 2026-01-01 00:00 ./usr/share/gapless/bin/gapless [-> target]}. */
    private static final Pattern CONTENTS_LINE =
            Pattern.compile("^(\\S{10}) (\\S+)/(\\S+)\\s+\\d+ \\S+ \\S+ \\./(\\S*?)/?(?: -> (\\S+))?$");

    private static Path deb;
    private static String info;
    private static Map<String, String[]> contents;

    @TempDir
    Path dir;

    /** One line of {@code dpkg-deb --contents}: permissions, owner, group, link target. */
    private static String[] entry(String path) {
        String[] e = contents.get(path);
        assertThat(e).as("%s in the .deb", path).isNotNull();
        return e;
    }

    @BeforeAll
    static void readPackage() throws Exception {
        assumeTrue(Command.onPath("dpkg-deb"), "dpkg-deb is not installed");
        deb = Artifacts.deb();
        Command.Result i = Command.run(QUICK, "dpkg-deb", "--info", deb.toString());
        assertThat(i.exitCode()).as(i.output()).isZero();
        info = i.stdout();
        Command.Result c = Command.run(QUICK, "dpkg-deb", "--contents", deb.toString());
        assertThat(c.exitCode()).as(c.output()).isZero();
        contents = new LinkedHashMap<>();
        for (String line : Command.lines(c.stdout())) {
            Matcher m = CONTENTS_LINE.matcher(line);
            assertThat(m.matches()).as("dpkg-deb --contents line: %s", line).isTrue();
            contents.put("/" + m.group(4), new String[] {m.group(1), m.group(2), m.group(3), m.group(5)});
        }
    }

    @Test
    void controlNamesPackageVersionArchitectureAndAJava17Runtime() throws Exception {
        String debVersion = Artifacts.version().replace("-SNAPSHOT", "~snapshot");
        assertThat(field("Package")).isEqualTo("gapless");
        assertThat(field("Version")).isEqualTo(debVersion);
        assertThat(deb.getFileName().toString()).isEqualTo("gapless_" + debVersion + "_all.deb");
        assertThat(field("Architecture")).isEqualTo("all");
        assertThat(field("Depends")).contains("openjdk-17-jre-headless | java17-runtime-headless", "adduser");
        assertThat(field("Recommends")).contains("polkitd");
        assertThat(field("Maintainer")).isNotBlank();
        assertThat(field("Installed-Size")).matches("\\d+");
    }

    @Test
    void maintainerScriptsArePresentExecutableAndParse() throws Exception {
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertThat(info).as("control archive lists %s as executable", script)
                    .containsPattern("\\d+ bytes,\\s+\\d+ lines\\s+\\*\\s+" + script + "\\s+#!/bin/sh");
        }
        Path control = dir.resolve("DEBIAN");
        Command.Result x = Command.run(QUICK, "dpkg-deb", "--control", deb.toString(), control.toString());
        assertThat(x.exitCode()).as(x.output()).isZero();
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Command.Result sh = Command.run(QUICK, "sh", "-n", control.resolve(script).toString());
            assertThat(sh.exitCode()).as("sh -n %s: %s", script, sh.output()).isZero();
        }
        assertThat(Files.readString(control.resolve("conffiles")).strip()).isEqualTo("/etc/gapless/gapless.yaml");
        String postinst = Files.readString(control.resolve("postinst"));
        assertThat(postinst).contains("adduser --quiet --system", "chown root:gapless /etc/gapless/gapless.yaml",
                "install -d -o gapless -g gapless -m 0700 /var/lib/gapless", "daemon-reload");
        assertThat(Files.readString(control.resolve("postrm"))).contains("\"$1\" = purge", "rm -rf /var/lib/gapless");
    }

    @Test
    void installsLauncherJarsSymlinkConfigUnitsAndPolkitRule() {
        assertThat(entry("/usr/share/gapless/bin/gapless")[0]).isEqualTo("-rwxr-xr-x");
        String[] link = entry("/usr/bin/gapless");
        assertThat(link[0]).startsWith("l");
        assertThat(link[3]).isEqualTo("../share/gapless/bin/gapless");
        String[] conf = entry("/etc/gapless/gapless.yaml");
        assertThat(conf[0]).as("the config may hold secrets; postinst gives it group gapless").isEqualTo("-rw-r-----");
        for (String unit : List.of("gapless-agent.service", "gapless-watchdog.service")) {
            assertThat(entry("/lib/systemd/system/" + unit)[0]).isEqualTo("-rw-r--r--");
        }
        assertThat(entry("/usr/share/polkit-1/rules.d/50-gapless-watchdog.rules")[0]).isEqualTo("-rw-r--r--");
        assertThat(entry("/usr/share/doc/gapless/operations.md")[0]).isEqualTo("-rw-r--r--");
        assertThat(contents.keySet()).contains(
                "/usr/share/gapless/lib/agent/gapless-agent-" + Artifacts.version() + ".jar",
                "/usr/share/gapless/lib/watchdog/gapless-watchdog-" + Artifacts.version() + ".jar");
    }

    @Test
    void carriesItsCopyrightInDebiansFormatAChangelogAndTheNotice() throws Exception {
        for (String doc : List.of("copyright", "changelog.gz", "NOTICE")) {
            assertThat(entry("/usr/share/doc/gapless/" + doc)[0]).as(doc).isEqualTo("-rw-r--r--");
        }
        Path root = dir.resolve("root");
        Command.Result x = Command.run(QUICK, "dpkg-deb", "-x", deb.toString(), root.toString());
        assertThat(x.exitCode()).as(x.output()).isZero();
        String copyright = Files.readString(root.resolve("usr/share/doc/gapless/copyright"));
        assertThat(copyright).startsWith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/")
                .contains("License: Apache-2.0", "/usr/share/common-licenses/Apache-2.0");
        byte[] changelog = Files.readAllBytes(root.resolve("usr/share/doc/gapless/changelog.gz"));
        assertThat(changelog[0] & 0xFF).as("gzip magic").isEqualTo(0x1F);
        assertThat(changelog[8]).as("gzip -9: maximum compression flag").isEqualTo((byte) 2);
        assertThat(field("Maintainer")).matches(".+ <[^@\\s]+@[a-z0-9-]+(\\.[a-z0-9-]+)+>")
                .doesNotContain("localhost");
    }

    @Test
    void lintianFindsNoErrors() throws Exception {
        assumeTrue(Command.onPath("lintian"), "lintian is not installed");
        Command.Result l = Command.run(Duration.ofMinutes(3), "lintian", "--fail-on", "error", deb.toString());
        System.out.println(l.output());
        assertThat(l.exitCode()).as(l.output()).isZero();
        assertThat(l.output()).doesNotContainPattern("(?m)^E: ");
    }

    @Test
    void everythingIsRootOwnedNotWritableByOthersAndHoldsNoTestJars() {
        contents.forEach((path, e) -> {
            assertThat(e[1] + "/" + e[2]).as("owner of %s", path).isEqualTo("root/root");
            if (!e[0].startsWith("l")) {
                assertThat(e[0].charAt(5)).as("%s not group-writable", path).isEqualTo('-');
                assertThat(e[0].charAt(8)).as("%s not world-writable", path).isEqualTo('-');
            }
        });
        assertThat(contents.keySet()).allSatisfy(p -> assertThat(p).matches(
                "/(usr(/bin(/gapless)?|/share(/gapless(/.*)?|/polkit-1(/rules\\.d(/.*)?)?|/doc(/gapless(/.*)?)?)?)?"
                        + "|etc(/gapless(/gapless\\.yaml)?)?|lib(/systemd(/system(/gapless-[a-z]+\\.service)?)?)?)?"));
        assertThat(contents.keySet()).noneMatch(p -> p.endsWith("-tests.jar") || p.endsWith("-sources.jar")
                || p.contains("junit") || p.contains("assertj"));
        assertThat(contents.keySet().stream().filter(p -> p.endsWith(".jar")))
                .as("the same jars as the tarball's lib/").hasSize(jarCountInDistribution());
    }

    @Test
    void unpackedPackageRunsThroughUsrBinAndValidatesItsOwnConfig() throws Exception {
        Path root = dir.resolve("root");
        Command.Result x = Command.run(QUICK, "dpkg-deb", "-x", deb.toString(), root.toString());
        assertThat(x.exitCode()).as(x.output()).isZero();
        String usrBin = root.resolve("usr/bin/gapless").toString();
        Command.Result v = Command.run(QUICK, Map.of("GAPLESS_HOME", ""), usrBin, "--version");
        assertThat(v.exitCode()).as(v.output()).isZero();
        assertThat(v.stdout().strip()).isEqualTo("gapless " + Artifacts.version());

        Path config = root.resolve("etc/gapless/gapless.yaml");
        Command.Result ok = Command.run(QUICK, Map.of("GAPLESS_HOME", ""), usrBin, "validate", "--config",
                config.toString());
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        String yaml = Files.readString(config);
        assertThat(yaml).contains("data_dir: /var/lib/gapless", "path: /var/lib/gapless/archive/",
                "listen: 127.0.0.1:9680", "listen: 127.0.0.1:5170", "supervise: systemd",
                "systemd_unit: gapless-agent.service");
        assertThat(yaml).doesNotContainPattern("listen: 0\\.0\\.0\\.0");
    }

    private static int jarCountInDistribution() {
        try (var agent = Files.list(Artifacts.home().resolve("lib/agent"));
                var watchdog = Files.list(Artifacts.home().resolve("lib/watchdog"))) {
            return (int) (agent.filter(p -> p.toString().endsWith(".jar")).count()
                    + watchdog.filter(p -> p.toString().endsWith(".jar")).count());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String field(String name) {
        Matcher m = Pattern.compile("(?m)^ " + Pattern.quote(name) + ": (.*)$").matcher(info);
        assertThat(m.find()).as("control field %s in:\n%s", name, info).isTrue();
        return m.group(1).strip();
    }
}
