package dev.gapless.agent.output.stdout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The stdout output: a batch is delivered once all of it was written, and a failed write is retried, not acked. */
class StdoutSinkTest {

    private static EncodedBatch batch(String text) {
        byte[] b = ("ignored" + text).getBytes(StandardCharsets.UTF_8);
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(payload, 0, b, 0, payload.length);
        return new EncodedBatch(1, 2, 2, b, payload.length);
    }

    @Test
    void writesExactlyThePayloadAndReportsItDelivered() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StdoutSink sink = new StdoutSink(Channels.newChannel(out), "test");

        Outcome o = sink.send(batch("a\nb\n")).toCompletableFuture().get();

        assertThat(o).isEqualTo(Outcome.DELIVERED);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a\nb\n");
    }

    @Test
    void aWriteThatFailsPartWayIsRetryableAndSaysHowFarItGot() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel brokenPipe = new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                if (out.size() >= 2) {
                    throw new IOException("Broken pipe");
                }
                out.write(src.get());
                out.write(src.get());
                return 2;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        StdoutSink sink = new StdoutSink(brokenPipe, "test");

        Outcome o = sink.send(batch("a\nb\n")).toCompletableFuture().get();

        assertThat(o).isInstanceOfSatisfying(Outcome.Retryable.class, r -> {
            assertThat(r.kind()).isEqualTo(Outcome.ErrorKind.UNREACHABLE);
            assertThat(r.message()).contains("after 2 of 4 bytes").contains("Broken pipe");
        });
    }
}
