package dev.gapless.agent.net.relp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelpFrameDecoderTest {

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static List<RelpFrame> drain(EmbeddedChannel ch) {
        List<RelpFrame> out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add((RelpFrame) o);
        }
        return out;
    }

    @Test
    void framesSplitAnywhereAcrossReadsComeOutWhole() {
        String stream = "1 open 30 relp_version=0\ncommands=syslog\n2 syslog 11 <13>hello w\n3 close 0\n"
                + "0 serverclose 0\n";
        for (int cut = 1; cut < stream.length(); cut++) {
            EmbeddedChannel ch = new EmbeddedChannel(new RelpFrameDecoder(64));
            ch.writeInbound(bytes(stream.substring(0, cut)));
            ch.writeInbound(bytes(stream.substring(cut)));
            List<RelpFrame> f = drain(ch);
            assertThat(f).as("cut at " + cut).hasSize(4);
            assertThat(f.get(0).txnr()).isEqualTo(1);
            assertThat(f.get(0).command()).isEqualTo("open");
            assertThat(f.get(0).text()).isEqualTo("relp_version=0\ncommands=syslog");
            assertThat(f.get(1).text()).isEqualTo("<13>hello w");
            assertThat(f.get(1).truncated()).isFalse();
            assertThat(f.get(2).command()).isEqualTo("close");
            assertThat(f.get(2).data()).isEmpty();
            assertThat(f.get(3).txnr()).isZero();
            assertThat(f.get(3).command()).isEqualTo("serverclose");
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void dataOverTheLimitIsReadInFullCutAndMarkedAndTheStreamGoesOn() {
        EmbeddedChannel ch = new EmbeddedChannel(new RelpFrameDecoder(8));
        String big = "y".repeat(100_000);
        ch.writeInbound(bytes("5 syslog 100000 " + big.substring(0, 30_000)));
        ch.writeInbound(bytes(big.substring(30_000) + "\n6 syslog 3 abc\n"));
        List<RelpFrame> f = drain(ch);
        assertThat(f).hasSize(2);
        assertThat(f.get(0).text()).isEqualTo("yyyyyyyy");
        assertThat(f.get(0).truncated()).isTrue();
        assertThat(f.get(1).txnr()).isEqualTo(6);
        assertThat(f.get(1).text()).isEqualTo("abc");
        assertThat(f.get(1).truncated()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void aSessionCapturedFromRsyslogsOmrelpDecodes() throws Exception {
        byte[] session;
        try (var in = RelpFrameDecoderTest.class.getResourceAsStream("/fuzz/syslog/relp-session.bin")) {
            session = in.readAllBytes();
        }
        EmbeddedChannel ch = new EmbeddedChannel(new RelpFrameDecoder(64 * 1024));
        ch.writeInbound(Unpooled.wrappedBuffer(session));
        List<RelpFrame> f = drain(ch);
        assertThat(f).extracting(RelpFrame::command).containsExactly("open", "syslog", "syslog", "close");
        assertThat(f).extracting(RelpFrame::txnr).containsExactly(1L, 2L, 3L, 4L);
        assertThat(f.get(0).text()).contains("relp_version=0").contains("commands=syslog");
        assertThat(f.get(1).text()).startsWith("<142>1 ").endsWith("first relp message\n");
        ch.finishAndReleaseAll();
    }

    @Test
    void emptyDataWithATrailingSpaceIsTolerated() {
        EmbeddedChannel ch = new EmbeddedChannel(new RelpFrameDecoder(8));
        ch.writeInbound(bytes("7 close 0 \n"));
        assertThat(drain(ch)).singleElement().satisfies(f -> assertThat(f.command()).isEqualTo("close"));
        ch.finishAndReleaseAll();
    }

    @Test
    void malformedFramesFailSayingWhyTheFramesBeforeGoOnAndTheRestIsIgnored() {
        String[][] cases = {
            {"x syslog 3 abc\n", "expected a digit or a space in TXNR, got 'x'"},
            {"1234567890 syslog 3 abc\n", "TXNR longer than 9 digits"},
            {" syslog 3 abc\n", "expected a digit or a space in TXNR, got byte 0x20"},
            {"9 sys-log 3 abc\n", "expected a letter or a space in COMMAND, got '-'"},
            {"9 " + "a".repeat(33) + " 0\n", "COMMAND longer than 32 letters"},
            {"9 syslog 3abc\n", "expected a digit, a space or LF in DATALEN, got 'a'"},
            {"9 syslog 3\n", "DATALEN 3 but no data"},
            {"9 syslog 1234567890 x\n", "DATALEN longer than 9 digits"},
            {"9 syslog 3 abcd\n", "expected the trailer (LF) after 3 bytes of data, got 'd'"},
        };
        for (String[] c : cases) {
            EmbeddedChannel ch = new EmbeddedChannel(new RelpFrameDecoder(64));
            Throwable t = catchThrowable(() -> ch.writeInbound(bytes("1 syslog 2 ok\n" + c[0] + "2 syslog 2 no\n")));
            assertThat(t).as(c[0]).isInstanceOf(CorruptedFrameException.class).hasMessageContaining(c[1]);
            List<RelpFrame> f = drain(ch);
            assertThat(f).as("the frame before survives: " + c[0]).hasSize(1);
            assertThat(f.get(0).text()).isEqualTo("ok");
            ch.writeInbound(bytes("3 syslog 2 no\n"));
            assertThat(drain(ch)).as("nothing after a malformed frame").isEmpty();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aFrameCutShortByTheEndIsDropped() {
        EmbeddedChannel ch = new EmbeddedChannel(new RelpFrameDecoder(64));
        ch.writeInbound(bytes("1 syslog 2 ok\n2 syslog 10 abc"));
        ch.finish();
        assertThat(drain(ch)).hasSize(1);
    }

    @Test
    void theEncoderWritesWhatTheDecoderReads() {
        EmbeddedChannel out = new EmbeddedChannel(RelpFrameEncoder.INSTANCE);
        out.writeOutbound(new RelpFrame(42, "rsp", "200 OK".getBytes(StandardCharsets.US_ASCII), false));
        out.writeOutbound(new RelpFrame(0, "serverclose", new byte[0], false));
        ByteBuf a = out.readOutbound();
        ByteBuf b = out.readOutbound();
        assertThat(a.toString(StandardCharsets.US_ASCII)).isEqualTo("42 rsp 6 200 OK\n");
        assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("0 serverclose 0\n");
        EmbeddedChannel in = new EmbeddedChannel(new RelpFrameDecoder(64));
        in.writeInbound(a, b);
        List<RelpFrame> f = drain(in);
        assertThat(f).extracting(RelpFrame::txnr).containsExactly(42L, 0L);
        assertThat(f.get(0).text()).isEqualTo("200 OK");
        assertThat(catchThrowable(() -> RelpFrameEncoder.encode(Unpooled.EMPTY_BUFFER.alloc(), 1_000_000_000L, "rsp",
                new byte[0]))).isInstanceOf(IllegalArgumentException.class);
        in.finishAndReleaseAll();
        out.finishAndReleaseAll();
    }
}
