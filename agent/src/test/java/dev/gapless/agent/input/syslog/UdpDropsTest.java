package dev.gapless.agent.input.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a socket's kernel drops from /proc/net/udp-format tables. */
class UdpDropsTest {

    // Port 5514 is 0x158A. Two sockets on it (SO_REUSEPORT): ours has inode 4242.
    static final String UDP = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
            + "  timeout inode ref pointer drops\n"
            + row(101, "0100007F:158A", "00000000:0000", 9999, 3)
            + row(102, "0100007F:158A", "00000000:0000", 4242, 17)
            + row(230, "00000000:0044", "00000000:0000", 1234, 0);
    static final String UDP6 = "  sl  local_address                         remote_address                        st"
            + " tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
            + row(77, "00000000000000000000000001000000:158A", "00000000000000000000000000000000:0000", 5151, 5);

    /** A row as the kernel prints it (udp4_format_sock / udp6_sock_seq_show). */
    private static String row(int sl, String local, String remote, long inode, long drops) {
        return String.format("  %3d: %s %s 07 00000000:00034000 00:00000000 00000000  1000        0 %d 2"
                + " 0000000000000000 %d\n", sl, local, remote, inode, drops);
    }

    @Test
    void findsTheRowOfOurSocketByPortAndInode() {
        assertThat(UdpDrops.find(UDP, 5514, Set.of(4242L)::contains)).isEqualTo(new UdpDrops.Row(4242, 17));
        assertThat(UdpDrops.find(UDP, 5514, Set.of(9999L)::contains)).isEqualTo(new UdpDrops.Row(9999, 3));
        assertThat(UdpDrops.find(UDP, 5514, Set.of(1L)::contains)).as("another process's socket").isNull();
        assertThat(UdpDrops.find(UDP, 68, Set.of(1234L)::contains)).isEqualTo(new UdpDrops.Row(1234, 0));
        assertThat(UdpDrops.find(UDP6, 5514, Set.of(5151L)::contains)).isEqualTo(new UdpDrops.Row(5151, 5));
        assertThat(UdpDrops.find("", 5514, i -> true)).isNull();
    }

    @Test
    void readsBothTablesAndKeepsTheInodeFound(@TempDir Path dir) throws Exception {
        Path net = Files.createDirectories(dir.resolve("net"));
        Path fds = Files.createDirectories(dir.resolve("fd"));
        Files.writeString(net.resolve("udp"), UDP);
        Files.createSymbolicLink(fds.resolve("7"), Path.of("socket:[4242]"));
        Files.createSymbolicLink(fds.resolve("8"), Path.of("/dev/null"));
        UdpDrops drops = new UdpDrops(net, fds, 5514);
        assertThat(drops.read()).hasValue(17);
        Files.delete(fds.resolve("7"));
        Files.writeString(net.resolve("udp"), UDP.replace(" 17\n", " 20\n"));
        assertThat(drops.read()).as("the inode found first is kept").hasValue(20);
        assertThat(new UdpDrops(dir.resolve("absent"), fds, 5514).read()).isEmpty();
    }
}
