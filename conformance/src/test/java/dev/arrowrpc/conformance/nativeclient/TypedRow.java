package dev.arrowrpc.conformance.nativeclient;

import static dev.arrowrpc.core.Wire.Type.DECIMAL128;
import static dev.arrowrpc.core.Wire.Type.DICTIONARY_UTF8;

import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.Wire;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One row of the reference's {@code TYPED_EXCHANGE_SCHEMA}; every field nullable, in this order.
 *
 * @param nullable_float float64
 * @param tags list&lt;utf8&gt; with nullable items
 * @param category dictionary&lt;int16, utf8&gt;
 * @param event_time timestamp[us, tz=UTC]
 * @param amount decimal128(18, 4)
 * @param nested struct&lt;name: utf8, scores: list&lt;int32&gt;&gt;
 */
public record TypedRow(
    @Nullable Double nullable_float,
    @Nullable List<@Nullable String> tags,
    @Nullable @Wire(DICTIONARY_UTF8) String category,
    @Nullable Instant event_time,
    @Nullable @Wire(value = DECIMAL128, precision = 18, scale = 4) BigDecimal amount,
    @Nullable Nested nested) {

  /** A row whose every field is null. */
  static TypedRow allNull() {
    return new TypedRow(null, null, null, null, null, null);
  }

  /**
   * The {@code nested} struct.
   *
   * @param name utf8
   * @param scores list&lt;int32&gt; with nullable items
   */
  public record Nested(@Nullable String name, @Nullable List<@Nullable Integer> scores) {}
}
