package dev.gapless.agent.failpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailpointsTest {

    @TempDir
    Path dir;

    @Test
    void parsesEveryFailpoint() {
        Failpoints f = Failpoints.parse(
                "output.wedge=central:500, admin.health_hang,agent.deadlock,agent.heap_exhaust");
        assertThat(f.wedgeAfter("central")).isEqualTo(500);
        assertThat(f.wedgeAfter("other")).isEqualTo(-1);
        assertThat(f.healthHang()).isTrue();
        assertThat(f.deadlock()).isTrue();
        assertThat(f.heapExhaust()).isTrue();
    }

    @Test
    void onceArmsTheFirstStartOnlyAndCreatesItsMarker() {
        Path wedged = dir.resolve("wedged");
        Path hung = dir.resolve("hung");
        String spec = "output.wedge=central:500:once=" + wedged + ",admin.health_hang:once=" + hung;

        Failpoints first = Failpoints.parse(spec);
        assertThat(first.wedgeAfter("central")).isEqualTo(500);
        assertThat(first.healthHang()).isTrue();
        assertThat(wedged).exists();
        assertThat(hung).exists();

        Failpoints second = Failpoints.parse(spec);
        assertThat(second.wedgeAfter("central")).isEqualTo(-1);
        assertThat(second.healthHang()).isFalse();
        assertThat(second.any()).isFalse();
    }

    @Test
    void onceMarkersAreIndependent() throws Exception {
        Files.createFile(dir.resolve("wedged"));
        Failpoints f = Failpoints.parse("output.wedge=central:7:once=" + dir.resolve("wedged")
                + ",admin.health_hang:once=" + dir.resolve("hung"));
        assertThat(f.wedgeAfter("central")).isEqualTo(-1);
        assertThat(f.healthHang()).isTrue();
    }

    @Test
    void refusesAnUnknownFailpointAndAMarkerThatCannotBeMade() {
        assertThatThrownBy(() -> Failpoints.parse("output.wedgee=central:1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown failpoint");
        assertThatThrownBy(() -> Failpoints.parse("admin.health_hang:once=" + dir.resolve("missing/dir/marker")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be created");
        assertThatThrownBy(() -> Failpoints.parse("output.wedge=central"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<output_id>:<n>");
    }
}
