package dev.gapless.agent.input.syslog;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * The datagrams the kernel dropped for one UDP socket, from the {@code drops} column of {@code /proc/net/udp} and
 * {@code /proc/net/udp6}: the row whose local port is the socket's and whose inode is one of this process's sockets
 * ({@code /proc/self/fd}), so another process's socket on the same port (SO_REUSEPORT) is not counted. The inode
 * found first is kept, so later reads skip the fd scan. Not Linux, or no row: nothing to report. One thread.
 */
final class UdpDrops {

    private static final int INODE = 9;
    private static final int DROPS = 12;

    private final Path procNet;
    private final Path ownFds;
    private final int port;
    // The socket's inode once found; -1 before.
    private long inode = -1;

    UdpDrops(Path procNet, Path ownFds, int port) {
        this.procNet = procNet;
        this.ownFds = ownFds;
        this.port = port;
    }

    /** For the socket bound to {@code port} of this process. */
    static UdpDrops ofPort(int port) {
        return new UdpDrops(Path.of("/proc/net"), Path.of("/proc/self/fd"), port);
    }

    /** The drops the kernel counts now, or empty when the tables or the row cannot be read. */
    OptionalLong read() {
        try {
            Set<Long> own = inode >= 0 ? Set.of(inode) : socketInodes(ownFds);
            long sum = 0;
            boolean found = false;
            for (String table : new String[] {"udp", "udp6"}) {
                Path p = procNet.resolve(table);
                if (!Files.isReadable(p)) {
                    continue;
                }
                Row row = find(Files.readString(p), port, own::contains);
                if (row != null) {
                    found = true;
                    sum += row.drops;
                    inode = row.inode;
                }
            }
            return found ? OptionalLong.of(sum) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** One socket's row: its inode and drops. */
    record Row(long inode, long drops) {
    }

    /** The first row of a {@code /proc/net/udp}-format table bound to {@code port} whose inode passes, or null. */
    static Row find(String table, int port, LongPredicate ownInode) {
        String[] lines = table.split("\n");
        for (int i = 1; i < lines.length; i++) { // the first line names the columns
            String[] col = lines[i].trim().split("\\s+");
            if (col.length <= DROPS) {
                continue;
            }
            String local = col[1];
            int colon = local.lastIndexOf(':');
            if (colon < 0 || Integer.parseInt(local.substring(colon + 1), 16) != port) {
                continue;
            }
            long inode = Long.parseLong(col[INODE]);
            if (ownInode.test(inode)) {
                return new Row(inode, Long.parseLong(col[DROPS]));
            }
        }
        return null;
    }

    /** The inodes of the sockets among {@code fdDir}'s links ({@code socket:[123]}). */
    static Set<Long> socketInodes(Path fdDir) throws IOException {
        Set<Long> out = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (target.startsWith("socket:[") && target.endsWith("]")) {
                    out.add(Long.parseLong(target.substring(8, target.length() - 1)));
                }
            }
        }
        return out;
    }
}
