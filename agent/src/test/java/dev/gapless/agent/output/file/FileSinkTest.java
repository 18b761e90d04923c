package dev.gapless.agent.output.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.file.FileOutputConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {

    @TempDir
    Path dir;

    private FileSink sink;

    @AfterEach
    void tearDown() {
        if (sink != null) {
            sink.close();
        }
    }

    private FileOutputConfig config(long rollBytes, int maxFiles) {
        return new FileOutputConfig("archive", dir.resolve("out").resolve("events.ndjson"), Codec.LINE,
                ByteSize.ofBytes(rollBytes), maxFiles, BatchConfig.DEFAULT, RetryConfig.DEFAULT);
    }

    private static EncodedBatch batch(String payload) {
        byte[] b = payload.getBytes(StandardCharsets.UTF_8);
        return new EncodedBatch(1, 1, 1, b, b.length);
    }

    private static Outcome send(FileSink s, String payload) {
        return s.send(batch(payload)).toCompletableFuture().join();
    }

    private Path file() {
        return dir.resolve("out").resolve("events.ndjson");
    }

    @Test
    void writesBatchesInOrder() throws Exception {
        sink = new FileSink(config(1 << 20, 3));
        assertThat(send(sink, "a\nb\n")).isEqualTo(Outcome.DELIVERED);
        assertThat(send(sink, "c\n")).isEqualTo(Outcome.DELIVERED);
        assertThat(Files.readString(file())).isEqualTo("a\nb\nc\n");
    }

    @Test
    void appendsToAnExistingFileAfterARestart() throws Exception {
        sink = new FileSink(config(1 << 20, 3));
        send(sink, "a\n");
        sink.close();
        sink = new FileSink(config(1 << 20, 3));
        send(sink, "b\n");
        assertThat(Files.readString(file())).isEqualTo("a\nb\n");
    }

    @Test
    void rollsAtRollSizeKeepingMaxFiles() throws Exception {
        sink = new FileSink(config(10, 2));
        for (int i = 1; i <= 5; i++) {
            assertThat(send(sink, "batch-" + i + "\n")).isEqualTo(Outcome.DELIVERED); // 8 bytes: one per file
        }
        assertThat(Files.readString(file())).isEqualTo("batch-5\n");
        assertThat(Files.readString(dir.resolve("out/events.ndjson.1"))).isEqualTo("batch-4\n");
        assertThat(Files.readString(dir.resolve("out/events.ndjson.2"))).isEqualTo("batch-3\n");
        assertThat(dir.resolve("out/events.ndjson.3")).doesNotExist();
    }

    @Test
    void failedWriteIsRetryableAndLeavesNoHalfBatch() throws Exception {
        boolean[] fail = {false};
        sink = new FileSink(config(1 << 20, 3), p -> new FailingChannel(
                FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ),
                        fail));
        assertThat(send(sink, "good\n")).isEqualTo(Outcome.DELIVERED);
        fail[0] = true;
        Outcome o = send(sink, "this batch fails half-way\n");
        assertThat(o).isInstanceOf(Outcome.Retryable.class);
        assertThat(Files.readString(file())).isEqualTo("good\n");
        fail[0] = false;
        assertThat(send(sink, "this batch fails half-way\n")).isEqualTo(Outcome.DELIVERED);
        assertThat(Files.readString(file())).isEqualTo("good\nthis batch fails half-way\n");
    }

    @Test
    void halfBatchLeftByACrashIsCutOnOpen() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "whole\nhalf a ba");
        sink = new FileSink(config(1 << 20, 3));
        send(sink, "half a batch\n");
        assertThat(Files.readString(file())).isEqualTo("whole\nhalf a batch\n");
    }

    /** Writes half of what it is given, then fails, while armed. */
    private static final class FailingChannel extends FileChannel {
        private final FileChannel real;
        private final boolean[] fail;

        FailingChannel(FileChannel real, boolean[] fail) {
            this.real = real;
            this.fail = fail;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (fail[0]) {
                ByteBuffer half = src.duplicate();
                half.limit(src.position() + src.remaining() / 2);
                int n = real.write(half);
                src.position(src.position() + n);
                throw new IOException("No space left on device");
            }
            return real.write(src);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            throw new IOException("not used");
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            real.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return real.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return real.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return real.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}
