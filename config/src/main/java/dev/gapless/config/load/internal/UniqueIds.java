package dev.gapless.config.load.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Ids within one list (inputs, outputs): each names files and metrics, so a repeat is an error. */
final class UniqueIds {

    private final String what;
    private final Problems problems;
    private final Map<String, Node> seen = new HashMap<>();

    /** @param what "input" or "output", for the message */
    UniqueIds(String what, Problems problems) {
        this.what = what;
        this.problems = problems;
    }

    void add(String id, Optional<Node> at) {
        if (id == null || at.isEmpty()) {
            return;
        }
        Node first = seen.putIfAbsent(id, at.get());
        if (first != null) {
            problems.add(at.get(),
                    "duplicate " + what + " id '" + id + "' (first used at line " + first.mark().line() + ")");
        }
    }
}
