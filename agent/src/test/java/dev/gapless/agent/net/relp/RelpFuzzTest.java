package dev.gapless.agent.net.relp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;

/**
 * Fuzz target of the RELP frame decoder. A plain build replays the corpus in
 * {@code src/test/resources/dev/gapless/agent/net/relp/RelpFuzzTestInputs/<method>/} (a real omrelp
 * session, and what fuzzing found). For any bytes: each frame has a txnr of at most 9 digits, a command, and data
 * within the bound; anything else is refused as a corrupted frame, never another exception.
 */
class RelpFuzzTest {

    private static final int MAX_DATA = 64;

    @FuzzTest
    void anyStreamDecodesIntoBoundedFramesOrFailsAsACorruptedFrame(byte[] stream) {
        EmbeddedChannel ch = new EmbeddedChannel(new RelpFrameDecoder(MAX_DATA));
        int cut = stream.length / 3;
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(stream, 0, cut));
            ch.writeInbound(Unpooled.wrappedBuffer(stream, cut, stream.length - cut));
        } catch (DecoderException e) {
            assertThat(e).isInstanceOf(CorruptedFrameException.class);
        }
        for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
            RelpFrame f = (RelpFrame) o;
            assertThat(f.txnr()).isBetween(0L, RelpFrame.MAX_TXNR);
            assertThat(f.command()).isNotEmpty().hasSizeLessThanOrEqualTo(RelpFrameDecoder.MAX_COMMAND);
            assertThat(f.data().length).isLessThanOrEqualTo(MAX_DATA);
        }
        ch.finishAndReleaseAll();
    }
}
