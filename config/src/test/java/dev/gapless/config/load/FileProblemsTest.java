package dev.gapless.config.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

/** Start-up failures as one line naming the file and the problem. */
class FileProblemsTest {

    @Test
    void namesTheFileAndTheProblemWhereTheJdkGivesOnlyAPath() {
        assertThat(FileProblems.oneLine(new FileAlreadyExistsException("/var/lib/gapless")))
                .isEqualTo("/var/lib/gapless: exists and is not a directory");
        assertThat(FileProblems.oneLine(new AccessDeniedException("/etc/gapless/gapless.yaml")))
                .isEqualTo("/etc/gapless/gapless.yaml: permission denied");
        assertThat(FileProblems.oneLine(new FileSystemException("/d/run", null, "Not a directory")))
                .isEqualTo("/d/run: not a directory");
    }

    @Test
    void saysNotValidUtf8RatherThanInputLength() {
        assertThat(FileProblems.oneLine(new MalformedInputException(1))).isEqualTo("not valid UTF-8");
    }

    @Test
    void keepsTheCausesThatAddSomething() {
        IOException cause = new FileAlreadyExistsException("/d/journal");
        assertThat(FileProblems.oneLine(new UncheckedIOException("opening the journal", cause)))
                .isEqualTo("opening the journal: /d/journal: exists and is not a directory");
    }
}
