/**
 * What the {@code otlp} input and output share: the OTLP messages (generated at build time from the OTLP
 * {@code .proto} files into {@code dev.gapless.agent.otlp.proto}), OTLP/JSON reading ({@link OtlpJson}) and the
 * mapping between OTLP values and the envelope's JSON fields ({@link AnyValues}).
 */
package dev.gapless.agent.otlp;
