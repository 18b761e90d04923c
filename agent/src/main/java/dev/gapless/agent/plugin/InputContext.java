package dev.gapless.agent.plugin;

import dev.gapless.agent.input.IngestPort;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;

/**
 * What an input is built with.
 *
 * @param ingest          the way into the journal: inputs never touch the journal itself
 * @param boss            the event loop that accepts connections, for listening inputs
 * @param workers         the event loops connections are read on
 * @param checkpointFile  the file an input with a read position keeps it in, by input id (under data_dir)
 * @param syncCheckpoints whether such a position is forced to disk when saved (off under durability none)
 * @param clock           wall time, for receive times and what an input reports
 */
public record InputContext(IngestPort ingest, EventLoopGroup boss, EventLoopGroup workers,
                           Function<String, Path> checkpointFile, boolean syncCheckpoints, Clock clock) {
}
