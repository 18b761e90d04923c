package dev.gapless.config.plugin;

import dev.gapless.config.condition.Condition;
import java.util.Optional;

/**
 * The settings every filter has, read by the loader before the type binds its own.
 *
 * @param id   unique among filters: as written, or {@code <type>_<position>} (null when invalid: reported)
 * @param when the condition the filter applies under, if any
 */
public record FilterCommon(String id, Optional<Condition> when) {
}
