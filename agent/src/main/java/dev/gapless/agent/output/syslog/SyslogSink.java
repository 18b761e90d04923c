package dev.gapless.agent.output.syslog;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.EnvelopeFrame;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.config.output.syslog.SyslogOutputConfig;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each batch as RFC 5424 messages ({@link SyslogFormatter}), one per record (heartbeats and loss markers
 * included, so the receiver sees every seq), through the protocol's {@link Transport}: {@link TcpTransport} (octet
 * counting, TLS), {@link UdpTransport} or {@link RelpTransport}. A record that is not an envelope rejects the batch
 * without sending, and bisection isolates it.
 */
public final class SyslogSink implements Sink {

    private static final Logger log = LoggerFactory.getLogger(SyslogSink.class);

    private final SyslogOutputConfig config;
    private final SyslogFormatter formatter;
    private final Transport transport;
    // Messages cut to max_message_bytes since start; written by the output worker thread, read by tests.
    private final AtomicLong truncated = new AtomicLong();

    /** @throws IOException when the TLS files cannot be read */
    public SyslogSink(SyslogOutputConfig config, EventLoopGroup group) throws IOException {
        this.config = config;
        this.formatter = new SyslogFormatter(config);
        String who = "output " + config.id();
        this.transport = switch (config.protocol()) {
            case TCP -> new TcpTransport(config, group, who);
            case UDP -> new UdpTransport(config, group);
            case RELP -> new RelpTransport(config, group, who);
        };
    }

    @Override
    public CompletionStage<Outcome> send(EncodedBatch batch) {
        int n = batch.frames().count();
        byte[][] messages = new byte[n][];
        long[] seqs = new long[n];
        int cut = 0;
        try {
            for (int i = 0; i < n; i++) {
                SyslogFormatter.Formatted f = formatter.format(EnvelopeFrame.read(batch, i));
                messages[i] = f.bytes();
                seqs[i] = batch.frames().seq(i);
                if (f.truncated()) {
                    cut++;
                }
            }
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Outcome.Rejected(e.getMessage()));
        }
        if (cut > 0) {
            long all = truncated.addAndGet(cut);
            log.warn("output {}: {} message(s) of seqs {}-{} longer than max_message_bytes ({}) cut to it, marked "
                    + "truncated in their {} element ({} since start)", config.id(), cut, batch.firstSeq(),
                    batch.lastSeq(), config.maxMessageBytes().bytes(), config.sdId(), all);
        }
        if (n == 0) {
            return CompletableFuture.completedFuture(Outcome.DELIVERED);
        }
        return transport.send(messages, seqs);
    }

    /** Messages cut to {@code max_message_bytes} since start. */
    public long truncated() {
        return truncated.get();
    }

    @Override
    public String destination() {
        return config.protocol().wireName() + (config.tls().isPresent() ? "+tls" : "") + "://" + config.address();
    }

    @Override
    public void close() {
        transport.close();
    }
}
