package dev.arrowrpc.codegen;

import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** The test protocol's implementation. */
final class ZooImpl implements Zoo {
  @Override
  public long add(long a, long b) {
    return a + b;
  }

  @Override
  public String greet(String name) {
    return name == null ? null : "hello " + name;
  }

  @Override
  public double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }

  @Override
  public Map<String, Long> counts(List<String> words) {
    Map<String, Long> counts = new LinkedHashMap<>();
    words.forEach(w -> counts.merge(w, 1L, Long::sum));
    return counts;
  }

  @Override
  public Point mirror(Point p) {
    return new Point(p.y(), p.x());
  }

  @Override
  public List<Point> shift(List<Point> points, long dx) {
    return points.stream().map(p -> new Point(p.x() + dx, p.y())).toList();
  }

  @Override
  public Shape widen(Shape shape) {
    return new Shape(shape.name() + "+", shape.corners(), shape.tags(), shape.layer());
  }

  @Override
  public List<Shape> shapes(int count) {
    List<Shape> shapes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      shapes.add(new Shape("s" + i, List.of(new Point(i, i)), Map.of("w", (double) i), i % 2 == 0 ? null : i));
    }
    return shapes;
  }

  @Override
  public String colour(Colour c) {
    return c.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public Colour pick(String name) {
    return Colour.valueOf(name);
  }

  @Override
  public LocalDate nextDay(LocalDate day) {
    return day.plusDays(1);
  }

  @Override
  public Instant later(Instant at, Duration by) {
    return at.plus(by);
  }

  @Override
  public BigDecimal total(List<BigDecimal> amounts) {
    return amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add).setScale(2);
  }

  @Override
  public BigDecimal plainDecimal(BigDecimal d) {
    return d;
  }

  @Override
  public long unsigned(int small) {
    return small * 2L;
  }

  @Override
  public byte[] reverse(byte[] data) {
    byte[] out = new byte[data.length];
    for (int i = 0; i < data.length; i++) {
      out[i] = data[data.length - 1 - i];
    }
    return out;
  }

  @Override
  public boolean flag(boolean f, short s, byte b, float x, Integer n, Optional<Long> o) {
    return f && s == 2 && b == 3 && x == 1.5f && n == null && o.isEmpty();
  }

  @Override
  public void ping() {}

  @Override
  public Producer<Tick> ticks(long count) {
    return Producer.of(counter(count));
  }

  @Override
  public Producer<Tick> ticksWithHeader(long count) {
    return Producer.of(new Info("zoo", (int) count), counter(count));
  }

  private static dev.arrowrpc.core.ProducerState<Tick> counter(long count) {
    AtomicLong next = new AtomicLong();
    return (out, context) -> {
      long n = next.getAndIncrement();
      if (n >= count) {
        out.finish();
      } else {
        out.emitRow(new Tick(n, n % 2 == 0 ? "even" : null));
      }
    };
  }

  @Override
  public Exchange<Sample, Scaled> scale(double factor) {
    return Exchange.of((input, out, context) ->
        out.emit(input.stream().map(s -> new Scaled(s.x() * factor)).toList()));
  }
}
