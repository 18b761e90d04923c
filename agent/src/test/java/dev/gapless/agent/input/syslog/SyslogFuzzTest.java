package dev.gapless.agent.input.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.journal.MessageBatch;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz targets of the syslog parser and the RFC 6587 framer. A plain build replays the corpus in
 * {@code src/test/resources/dev/gapless/agent/input/syslog/SyslogFuzzTestInputs/<method>/} (frames captured from
 * logger and rsyslog, and what fuzzing found); {@code JAZZER_FUZZ=1} fuzzes the first target. What must hold for any
 * bytes: a message is never dropped, the fields are one JSON object, and the framer hands on no frame past its
 * bound and reports a malformed count only as the corrupted-frame error.
 */
class SyslogFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LINE = 256;

    @FuzzTest
    void anyBytesParseIntoOneEventWithAJsonObjectOfFields(byte[] raw) throws IOException {
        MessageBatch out = new MessageBatch(64);
        out.receivedAtNanos(1);
        new SyslogEvents(new SyslogParser(Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC),
                ZoneId.of("Europe/Paris"))).add(raw, 0, raw.length, 0, out);
        assertThat(out.size()).as("one event, whatever the bytes").isEqualTo(1);
        assertThat(out.length(0)).isLessThanOrEqualTo(raw.length);
        if (out.fieldsLength(0) > 0) {
            JsonNode fields = JSON.readTree(out.fieldsArray(), out.fieldsOffset(0), out.fieldsLength(0));
            assertThat(fields.isObject()).as("the fields are a JSON object").isTrue();
        }
    }

    @FuzzTest
    void anyStreamFramesWithinTheBoundOrFailsAsACorruptedFrame(byte[] stream) {
        List<Integer> lengths = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new SyslogFramer(MAX_LINE), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                MessageBatch b = (MessageBatch) msg;
                for (int i = 0; i < b.size(); i++) {
                    lengths.add(b.length(i));
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
                ctx.close();
            }
        });
        // two reads, split in the middle: a frame across reads is the framer's everyday case
        int cut = stream.length / 2;
        ch.writeInbound(Unpooled.wrappedBuffer(stream, 0, cut));
        if (ch.isActive()) {
            ch.writeInbound(Unpooled.wrappedBuffer(stream, cut, stream.length - cut));
        }
        ch.finishAndReleaseAll();
        assertThat(lengths).allSatisfy(n -> assertThat(n).isBetween(0, MAX_LINE));
        assertThat(errors).allSatisfy(e -> assertThat(e).isInstanceOf(CorruptedFrameException.class));
    }
}
