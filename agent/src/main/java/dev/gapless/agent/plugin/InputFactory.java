package dev.gapless.agent.plugin;

import dev.gapless.agent.input.Input;
import dev.gapless.config.InputConfig;
import dev.gapless.config.plugin.InputType;

/**
 * Builds the live input of one {@link InputType}. Each type's factory lives in the type's agent package, beside its
 * component, and is registered in {@code META-INF/services/dev.gapless.agent.plugin.InputFactory}; {@link Plugins}
 * finds it there, and a test fails when a type in the config's registry has none.
 *
 * @param <C> the type's config record
 */
public interface InputFactory<C extends InputConfig> {

    /** The type this factory builds: the very descriptor the config's registry lists. */
    InputType<C> type();

    /** A new input, not started; it may open nothing until {@link Input#start()}. */
    Input create(C config, InputContext context);
}
