package dev.gapless.agent.filter.grok;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.config.filter.grok.GrokCompiler;
import dev.gapless.config.filter.grok.GrokLibrary;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every shipped pattern compiles and matches a sample of what it is for, whole; and refuses a near miss. */
class GrokLibraryTest {

    private static final Map<String, String> SAMPLES = new LinkedHashMap<>();
    private static final Map<String, String> MISSES = new LinkedHashMap<>();

    static {
        s("WORD", "hello_1");
        s("NOTSPACE", "a/b?c=1");
        s("SPACE", "  \t");
        s("DATA", "anything at all");
        s("GREEDYDATA", "the rest, all of it");
        s("QUOTEDSTRING", "\"a \\\"quoted\\\" string\"");
        s("QS", "'single'");
        s("UUID", "123e4567-e89b-12d3-a456-426614174000");
        s("INT", "-42");
        s("BASE10NUM", "3.25");
        s("NUMBER", "+1.5");
        s("BASE16NUM", "0x1F");
        s("POSINT", "7");
        s("NONNEGINT", "0");
        s("USERNAME", "ann.b-c_d");
        s("USER", "root");
        s("EMAILADDRESS", "ann.b+tag@mail.example.com");
        s("HOSTNAME", "web-1.example.com");
        s("IPV4", "192.168.0.1");
        s("IPV6", "2001:db8::8a2e:370:7334");
        s("IP", "::1");
        s("IPORHOST", "localhost");
        s("HOSTPORT", "example.com:8080");
        s("UNIXPATH", "/var/log/syslog");
        s("WINPATH", "C:\\Windows\\System32\\drivers");
        s("PATH", "/srv/www/index.html");
        s("URIPROTO", "https");
        s("URIHOST", "example.com:443");
        s("URIPATH", "/a/b.html");
        s("URIPARAM", "?q=1&r=two");
        s("URIPATHPARAM", "/search?q=gapless");
        s("URI", "https://user@example.com:8443/a/b?c=d");
        s("CISCOMAC", "0011.2233.4455");
        s("WINDOWSMAC", "00-11-22-33-44-55");
        s("COMMONMAC", "00:11:22:33:44:55");
        s("MAC", "aa:bb:cc:dd:ee:ff");
        s("LOGLEVEL", "WARNING");
        s("HTTPDUSER", "frank");
        s("COMMONAPACHELOG", "127.0.0.1 - frank [10/Oct/2026:13:55:36 -0700] \"GET /a.gif HTTP/1.0\" 200 2326");
        s("COMBINEDAPACHELOG", "2001:db8::1 - - [10/Oct/2026:13:55:36 +0000] \"POST /login HTTP/1.1\" 503 -"
                + " \"-\" \"curl/8.5.0\"");
        s("HTTPDERROR_DATE", "Wed May 01 12:00:00.123456 2026");
        s("HTTPD20_ERRORLOG", "[Wed May 01 12:00:00 2026] [error] [client 10.0.0.1] File does not exist: /x");
        s("HTTPD24_ERRORLOG", "[Wed May 01 12:00:00.123456 2026] [core:error] [pid 1234:tid 5678] [client"
                + " 10.0.0.1:51234] AH00128: File does not exist: /srv/favicon.ico");
        s("HTTPD_ERRORLOG", "[Wed May 01 12:00:00 2026] [notice] Apache configured -- resuming normal operations");
        s("NGINX_ERRORLOG", "2026/11/23 10:16:01 [error] 1234#1234: *56 open() \"/srv/x\" failed (2: No such file),"
                + " client: 192.0.2.44, server: example.com, request: \"GET /x HTTP/1.1\", host: \"example.com\"");
        s("SYSLOGHOST", "web-1");
        s("PROG", "postfix/smtpd");
        s("SYSLOGPROG", "sshd[4242]");
        s("SYSLOGFACILITY", "<4.6>");
        s("SYSLOG5424PRI", "<34>");
        s("SYSLOGBASE", "Nov 23 10:17:05 web-1 sshd[4242]:");
        s("SYSLOGLINE", "Nov  3 10:17:05 web-1 sshd[4242]: Accepted publickey for ann");
        s("MONTH", "September");
        s("MONTHNUM", "9");
        s("MONTHNUM2", "09");
        s("MONTHDAY", "31");
        s("DAY", "Thursday");
        s("YEAR", "2026");
        s("HOUR", "23");
        s("MINUTE", "59");
        s("SECOND", "60");
        s("TIME", "10:17:05.250");
        s("ISO8601_TIMEZONE", "+01:00");
        s("ISO8601_SECOND", "05.250");
        s("TIMESTAMP_ISO8601", "2026-11-23T10:17:05.250+00:00");
        s("DATE_US", "11/23/2026");
        s("DATE_EU", "23.11.2026");
        s("DATE", "23/11/2026");
        s("DATESTAMP", "23.11.2026 10:17:05");
        s("TZ", "PDT");
        s("DATESTAMP_RFC822", "Mon Nov 23 2026 10:17:05 UTC");
        s("DATESTAMP_RFC2822", "Mon, 23 Nov 2026 10:17:05 +0100");
        s("DATESTAMP_OTHER", "Mon Nov 23 10:17:05 UTC 2026");
        s("DATESTAMP_EVENTLOG", "20261123101705");
        s("HTTPDATE", "23/Nov/2026:10:15:32 +0100");
        s("SYSLOGTIMESTAMP", "Nov  3 10:17:05");

        MISSES.put("IPV4", "256.1.1.1");
        MISSES.put("UUID", "123e4567-e89b-12d3-a456");
        MISSES.put("POSINT", "-1");
        MISSES.put("COMBINEDAPACHELOG", "not an access log line");
        MISSES.put("MONTHDAY", "32");
        MISSES.put("HTTPDATE", "2026-11-23 10:15:32");
    }

    private static void s(String name, String sample) {
        SAMPLES.put(name, sample);
    }

    private static Pattern whole(String name) throws Exception {
        return Pattern.compile("^(?:" + new GrokCompiler(GrokLibrary.definitions()).compile("%{" + name + "}")
                .pattern().pattern() + ")$");
    }

    @Test
    void everyShippedPatternHasASampleHere() {
        Set<String> shipped = new TreeSet<>(GrokLibrary.definitions().keySet());
        assertThat(SAMPLES.keySet()).as("a sample for each shipped pattern").containsExactlyInAnyOrderElementsOf(
                shipped);
    }

    @Test
    void everyShippedPatternMatchesItsSampleWhole() throws Exception {
        java.util.List<String> failing = new java.util.ArrayList<>();
        for (Map.Entry<String, String> e : SAMPLES.entrySet()) {
            if (!whole(e.getKey()).matcher(e.getValue()).matches()) {
                failing.add(e.getKey() + " '" + e.getValue() + "'");
            }
        }
        assertThat(failing).as("patterns that do not match their sample").isEmpty();
    }

    @Test
    void andRefusesANearMiss() throws Exception {
        for (Map.Entry<String, String> e : MISSES.entrySet()) {
            assertThat(whole(e.getKey()).matcher(e.getValue()).matches())
                    .as("%s refuses '%s'", e.getKey(), e.getValue()).isFalse();
        }
    }
}
