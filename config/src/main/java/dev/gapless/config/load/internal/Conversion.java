package dev.gapless.config.load.internal;

/** Turns one YAML node into a typed value, or says what was expected and what was found. */
@FunctionalInterface
interface Conversion<T> {

    T convert(Node node) throws Invalid;
}
