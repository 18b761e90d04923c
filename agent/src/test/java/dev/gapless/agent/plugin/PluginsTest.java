package dev.gapless.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.agent.output.Sink;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.stdout.StdoutOutputConfig;
import dev.gapless.config.plugin.Registry;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** Every type the config registry lists can be built by the agent, and only by the factory of its own type. */
class PluginsTest {

    @Test
    void everyRegisteredTypeHasExactlyItsOwnFactory() {
        Plugins plugins = Plugins.load();

        assertThat(plugins.missing()).as("types without a factory, or factories without a type").isEmpty();
        assertThat(Registry.inputs()).isNotEmpty();
        assertThat(Registry.outputs()).isNotEmpty();
    }

    @Test
    void aRecordIsBuiltByTheFactoryOfItsType() {
        Sink sink = Plugins.load().sink(new StdoutOutputConfig("console", Codec.LINE, BatchConfig.DEFAULT,
                RetryConfig.DEFAULT), new OutputContext(null, Clock.systemUTC()));

        assertThat(sink.destination()).isEqualTo("stdout");
    }

    @Test
    void aRecordOfATypeNoFactoryBuildsIsRefusedByName() {
        OutputConfig unknown = new OutputConfig() {
            @Override public String id() {
                return "x";
            }

            @Override public String type() {
                return "carrier_pigeon";
            }

            @Override public Codec codec() {
                return Codec.LINE;
            }

            @Override public BatchConfig batch() {
                return BatchConfig.DEFAULT;
            }

            @Override public RetryConfig retry() {
                return RetryConfig.DEFAULT;
            }

            @Override public Probe probe() {
                return new Probe.None();
            }
        };

        assertThatThrownBy(() -> Plugins.load().sink(unknown, new OutputContext(null, Clock.systemUTC())))
                .isInstanceOf(IllegalStateException.class).hasMessage("no factory for output type 'carrier_pigeon'");
    }
}
