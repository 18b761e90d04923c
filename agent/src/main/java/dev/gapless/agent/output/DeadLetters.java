package dev.gapless.agent.output;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gapless.agent.internal.DurableFiles;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;

/**
 * Keeps what a destination rejected for good: {@code <data_dir>/dead-letter/<output>.ndjson}, one JSON line a
 * rejected batch with the time, the seq range, the reason and the payload as sent. Bounded by
 * {@code MAX_BYTES}: past it new rejects are not written (the loss marker still names them) and an ERROR
 * says so.
 */
final class DeadLetters {

    /** The file stops growing here; an operator must act (move it away) for more to be kept. */
    static final long MAX_BYTES = 256L << 20;
    private static final JsonFactory JSON = new JsonFactory();

    private final Path file;

    DeadLetters(Path file) {
        this.file = file;
    }

    /** @return false if the file is at its bound and nothing was written; written entries are forced to disk */
    boolean write(EncodedBatch batch, String reason) throws IOException {
        DurableFiles.ownerOnlyDirectory(file.getParent());
        boolean created = !Files.exists(file);
        if (!created && Files.size(file) >= MAX_BYTES) {
            return false;
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream(batch.length() + 256);
        try (JsonGenerator g = JSON.createGenerator(line, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("at", Instant.now().toString());
            g.writeNumberField("from_seq", batch.firstSeq());
            g.writeNumberField("to_seq", batch.lastSeq());
            g.writeStringField("reason", reason);
            g.writeStringField("payload", new String(batch.bytes(), 0, batch.length(), StandardCharsets.UTF_8));
            g.writeEndObject();
        }
        line.write('\n');
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), DurableFiles.ownerOnlyFile())) {
            ByteBuffer b = ByteBuffer.wrap(line.toByteArray());
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(false); // the cursor passes these records next: they must be on disk first
        }
        if (created) {
            DurableFiles.restrict(file);
            DurableFiles.fsyncDirectory(file.getParent());
        }
        return true;
    }
}
