package dev.gapless.config.load.internal;

import dev.gapless.config.HostPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The addresses the agent and the watchdog bind, checked for clashes: two listeners on one port
 * would fail only at start, so the loader says so first. Port 0 (any free port) never clashes; a
 * wildcard host (0.0.0.0, ::) clashes with every host on its port.
 */
final class Listeners {

    /** @param at where it was written; empty for a default */
    private record Bound(HostPort address, String path, Optional<Node> at) {
    }

    private final List<Bound> bound = new ArrayList<>();

    void add(HostPort address, String path, Optional<Node> at) {
        if (address != null && address.port() != 0) {
            bound.add(new Bound(address, path, at));
        }
    }

    void check(Problems problems) {
        for (int i = 0; i < bound.size(); i++) {
            for (int j = i + 1; j < bound.size(); j++) {
                Bound a = bound.get(i);
                Bound b = bound.get(j);
                if (clash(a.address(), b.address())) {
                    Bound reported = b.at().isPresent() ? b : a;
                    Bound other = reported == b ? a : b;
                    String otherAt = other.at().map(n -> " (line " + n.mark().line() + ")").orElse(" (its default)");
                    reported.at().ifPresent(n -> problems.add(n, "address " + reported.address()
                            + " is also bound by " + other.path() + otherAt + ": each listener needs its own port"));
                }
            }
        }
    }

    private static boolean clash(HostPort a, HostPort b) {
        return a.port() == b.port() && (a.host().equals(b.host()) || wildcard(a.host()) || wildcard(b.host()));
    }

    private static boolean wildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }
}
