package dev.arrowrpc.core.generated;

import static dev.arrowrpc.core.Wire.Type.DECIMAL128;
import static dev.arrowrpc.core.Wire.Type.DICTIONARY_UTF8;
import static dev.arrowrpc.core.Wire.Type.FLOAT32;
import static dev.arrowrpc.core.Wire.Type.INT32;
import static dev.arrowrpc.core.Wire.Type.INT8;
import static dev.arrowrpc.core.Wire.Type.LARGE_UTF8;
import static dev.arrowrpc.core.Wire.Type.UINT32;

import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.Wire;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One method per type family, each answering with a value built from all its parameters, for the
 * test that generated code and reflection agree. {@link Families_ArrowRpcInvoker} is its generated
 * class, written as the annotation processor emits it; {@link Reflected} is the same protocol with
 * none.
 */
@RpcService(name = "Families")
public interface Families {
  /** An enum. */
  enum Color { RED, GREEN }

  /** A record. */
  record Point(long x, @Nullable String label) {}

  /** No parameters, no result. */
  void none();

  /** Every Java primitive. */
  double primitives(long l, int i, short s, byte b, double d, float f, boolean z);

  /** Wire overrides on primitives: the typed accessors fall back to the codecs. */
  @Wire(INT32) long wired(@Wire(UINT32) long u32, @Wire(INT8) int i8, @Wire(FLOAT32) double f32);

  /** Boxed values, nullable and not. */
  @Nullable Long boxed(Long value, @Nullable Integer maybe, @Nullable Double other);

  /** Strings of every layout. */
  String strings(String plain, @Nullable String maybe, @Wire(DICTIONARY_UTF8) String dictionary,
      @Wire(LARGE_UTF8) String large);

  /** Binary. */
  byte[] bytes(byte[] data);

  /** Temporal values and a decimal. */
  Instant temporal(Instant at, LocalDate day, Duration span,
      @Wire(value = DECIMAL128, precision = 20, scale = 4) BigDecimal amount);

  /** An enum, a record, containers and an Optional. */
  Map<String, Point> composite(Color color, Point point, List<Long> values, Map<String, String> tags,
      Optional<String> note);

  /** Arrow data as a parameter and as the result. */
  VectorSchemaRoot root(VectorSchemaRoot batch);

  /** The same protocol served and called through reflection (it has no generated class). */
  @RpcService(name = "Families")
  interface Reflected extends Families {}
}
