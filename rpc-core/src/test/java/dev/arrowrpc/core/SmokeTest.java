package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.testing.Loopback;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
  public record Tick(long n, String label) {}

  public record In(double x) {}

  public record Out(double y) {}

  @RpcService(version = "1.0.0")
  public interface Calc {
    double add(double a, double b);

    void boom(String why);

    Producer<Tick> ticks(long count);

    Exchange<In, Out> scale(double factor);
  }

  public static final class CalcImpl implements Calc {
    @Override
    public double add(double a, double b) {
      return a + b;
    }

    @Override
    public void boom(String why) {
      throw new IllegalArgumentException(why);
    }

    @Override
    public Producer<Tick> ticks(long count) {
      long[] i = {0};
      return Producer.of((out, ctx) -> {
        if (i[0] >= count) {
          out.finish();
        } else {
          out.emitRow(new Tick(i[0], "t" + i[0]));
          i[0]++;
        }
      });
    }

    @Override
    public Exchange<In, Out> scale(double factor) {
      return Exchange.of((input, out, ctx) ->
          out.emit(input.stream().map(r -> new Out(r.x() * factor)).toList()));
    }
  }

  @Test
  void endToEnd() throws Exception {
    try (Loopback loop = new Loopback(Calc.class, new CalcImpl())) {
      Calc calc = loop.proxy(Calc.class);
      assertEquals(3.5, calc.add(1.25, 2.25));
      RpcException e = assertThrows(RpcException.class, () -> calc.boom("bad"));
      assertEquals("ValueError", e.errorType());
      assertEquals(5.0, calc.add(2, 3));
      try (Producer<Tick> ticks = calc.ticks(3)) {
        List<Tick> all = new java.util.ArrayList<>();
        ticks.forEach(all::add);
        assertEquals(List.of(new Tick(0, "t0"), new Tick(1, "t1"), new Tick(2, "t2")), all);
      }
      try (Exchange<In, Out> ex = calc.scale(2)) {
        assertEquals(List.of(new Out(2), new Out(4)), ex.exchange(List.of(new In(1), new In(2))));
        assertEquals(new Out(6), ex.exchangeOne(new In(3)));
      }
      assertEquals(7.0, calc.add(3, 4));
      assertEquals(0, loop.clientBytes());
      assertEquals(0, loop.serverBytes());
    }
  }
}
