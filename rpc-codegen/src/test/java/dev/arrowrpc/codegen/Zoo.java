package dev.arrowrpc.codegen;

import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.StreamHeader;
import dev.arrowrpc.core.Wire;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A test protocol with every kind of method and every type family the catalog maps. */
@RpcService(name = "codegen_zoo", version = "1.2.0")
interface Zoo {
  /** A colour, dictionary-encoded on the wire. */
  enum Colour { RED, GREEN }

  /** A point, a struct inside collections and a binary cell as a parameter. */
  record Point(long x, long y) {}

  /** A struct holding a struct, a map and a nullable field. */
  record Shape(String name, List<Point> corners, Map<String, Double> tags, @Nullable Integer layer) {}

  /** A producer row. */
  record Tick(long n, @Nullable String label) {}

  /** A stream header. */
  record Info(String source, int total) {}

  /** An exchange input row. */
  record Sample(double x) {}

  /** An exchange output row. */
  record Scaled(double y) {}

  long add(long a, long b);

  @Nullable String greet(@Nullable String name);

  double mean(List<Double> values);

  Map<String, Long> counts(List<String> words);

  Point mirror(Point p);

  List<Point> shift(List<Point> points, long dx);

  Shape widen(Shape shape);

  List<Shape> shapes(int count);

  String colour(Colour c);

  Colour pick(String name);

  LocalDate nextDay(LocalDate day);

  Instant later(Instant at, Duration by);

  @Wire(value = Wire.Type.DECIMAL128, precision = 10, scale = 2) BigDecimal total(
      List<@Wire(value = Wire.Type.DECIMAL128, precision = 10, scale = 2) BigDecimal> amounts);

  BigDecimal plainDecimal(BigDecimal d);

  long unsigned(@Wire(Wire.Type.UINT8) int small);

  byte[] reverse(byte[] data);

  boolean flag(boolean f, short s, byte b, float x, @Nullable Integer n, Optional<Long> o);

  void ping();

  Producer<Tick> ticks(long count);

  @StreamHeader(Info.class)
  Producer<Tick> ticksWithHeader(long count);

  Exchange<Sample, Scaled> scale(double factor);
}
