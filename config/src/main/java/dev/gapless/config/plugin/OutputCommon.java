package dev.gapless.config.plugin;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.RetryConfig;

/**
 * The settings every output has, read by the loader before the type binds its own.
 *
 * @param id    unique among outputs (null when missing or invalid: reported, and the type returns null)
 * @param codec as written, or the type's {@link OutputType#defaultCodec()}
 * @param batch how many events go in one send, at most
 * @param retry how failed sends are retried
 */
public record OutputCommon(String id, Codec codec, BatchConfig batch, RetryConfig retry) {
}
