package dev.gapless.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.gapless.config.load.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every {@code filters:} example in the README loads as written, with the inputs and outputs of the shipped default
 * config around it: an example a user copies must not be a config error. Files an example names (pattern files)
 * are made in a scratch folder the config is resolved against.
 */
class ReadmeFilterExamplesTest {

    private static final String AROUND = """
            inputs:
              - { id: web, type: tcp, listen: 127.0.0.1:0 }
            outputs:
              - { id: out, type: stdout }
            """;

    @Test
    void everyFiltersExampleInTheReadmeLoads() throws Exception {
        List<String> examples = filterExamples(Files.readString(Path.of("..", "README.md")));
        assertThat(examples).as("the README's filter examples").hasSizeGreaterThan(10);
        Path dir = Files.createTempDirectory("readme-filters");
        Files.writeString(dir.resolve("extra.grok"), "EXTRA [a-z]+\n");
        for (String yaml : examples) {
            String config = yaml.contains("\ninputs:") || yaml.startsWith("inputs:") ? yaml : AROUND + yaml;
            assertThatCode(() -> ConfigLoader.parse(config, "README.md", dir, Map.of("TOKEN", "t")))
                    .as("README example:%n%s", yaml).doesNotThrowAnyException();
        }
    }

    /** The yaml blocks whose text has a top-level {@code filters:} key. */
    static List<String> filterExamples(String readme) {
        List<String> out = new ArrayList<>();
        int at = 0;
        while ((at = readme.indexOf("```yaml\n", at)) >= 0) {
            int start = at + "```yaml\n".length();
            int end = readme.indexOf("```", start);
            String block = readme.substring(start, end);
            if (block.startsWith("filters:") || block.contains("\nfilters:")) {
                out.add(block);
            }
            at = end + 3;
        }
        return out;
    }
}
