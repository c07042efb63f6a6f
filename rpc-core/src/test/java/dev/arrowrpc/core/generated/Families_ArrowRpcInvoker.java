package dev.arrowrpc.core.generated;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The generated class of {@link Families}, as the annotation processor emits it. The Arrow-valued
 * method ({@code root}) is left to reflection, as the processor leaves it.
 */
public final class Families_ArrowRpcInvoker implements GeneratedInvoker<Families> {
  /** Calls read or written through this class (not part of what the processor emits: the test's probe). */
  static final java.util.concurrent.atomic.AtomicInteger USES = new java.util.concurrent.atomic.AtomicInteger();

  /** Creates it. */
  public Families_ArrowRpcInvoker() {}

  @Override
  public Class<Families> service() {
    return Families.class;
  }

  @Override
  public java.util.Optional<Method<Families>> method(String name) {
    return probe(switch (name) {
      case "none" -> new None();
      case "primitives" -> new Primitives();
      case "wired" -> new Wired();
      case "boxed" -> new Boxed();
      case "strings" -> new Strings();
      case "bytes" -> new Bytes();
      case "temporal" -> new Temporal();
      case "composite" -> new Composite();
      default -> null;
    });
  }

  private static java.util.Optional<Method<Families>> probe(Method<Families> method) {
    if (method == null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new Method<>() {
      @Override
      public Call<Families> read(ParameterRow parameters) {
        USES.incrementAndGet();
        return method.read(parameters);
      }

      @Override
      public void write(Object[] args, ParameterWriter parameters) {
        USES.incrementAndGet();
        method.write(args, parameters);
      }

      @Override
      public Object readResult(ResultRow result) {
        return method.readResult(result);
      }
    });
  }

  private static final class None implements Method<Families> {
    @Override
    public Call<Families> read(ParameterRow parameters) {
      return service -> {
        service.none();
        return null;
      };
    }

    @Override
    public void write(Object[] args, ParameterWriter parameters) {}

    @Override
    public Object readResult(ResultRow result) {
      return null;
    }
  }

  private static final class Primitives implements Method<Families> {
    @Override
    public Call<Families> read(ParameterRow parameters) {
      long l = parameters.getLong(0);
      int i = parameters.getInt(1);
      short s = parameters.getShort(2);
      byte b = parameters.getByte(3);
      double d = parameters.getDouble(4);
      float f = parameters.getFloat(5);
      boolean z = parameters.getBoolean(6);
      return service -> service.primitives(l, i, s, b, d, f, z);
    }

    @Override
    public void write(Object[] args, ParameterWriter parameters) {
      parameters.setLong(0, (Long) args[0]);
      parameters.setInt(1, (Integer) args[1]);
      parameters.setShort(2, (Short) args[2]);
      parameters.setByte(3, (Byte) args[3]);
      parameters.setDouble(4, (Double) args[4]);
      parameters.setFloat(5, (Float) args[5]);
      parameters.setBoolean(6, (Boolean) args[6]);
    }

    @Override
    public Object readResult(ResultRow result) {
      return result.getDouble(0);
    }
  }

  private static final class Wired implements Method<Families> {
    @Override
    public Call<Families> read(ParameterRow parameters) {
      long u32 = parameters.getLong(0);
      int i8 = parameters.getInt(1);
      double f32 = parameters.getDouble(2);
      return service -> service.wired(u32, i8, f32);
    }

    @Override
    public void write(Object[] args, ParameterWriter parameters) {
      parameters.setLong(0, (Long) args[0]);
      parameters.setInt(1, (Integer) args[1]);
      parameters.setDouble(2, (Double) args[2]);
    }

    @Override
    public Object readResult(ResultRow result) {
      return result.getLong(0);
    }
  }

  private static final class Boxed implements Method<Families> {
    @Override
    public Call<Families> read(ParameterRow parameters) {
      Long value = (Long) parameters.get(0);
      Integer maybe = (Integer) parameters.get(1);
      Double other = (Double) parameters.get(2);
      return service -> service.boxed(value, maybe, other);
    }

    @Override
    public void write(Object[] args, ParameterWriter parameters) {
      parameters.set(0, args[0]);
      parameters.set(1, args[1]);
      parameters.set(2, args[2]);
    }

    @Override
    public Object readResult(ResultRow result) {
      return result.get(0);
    }
  }

  private static final class Strings implements Method<Families> {
    @Override
    public Call<Families> read(ParameterRow parameters) {
      String plain = (String) parameters.get(0);
      String maybe = (String) parameters.get(1);
      String dictionary = (String) parameters.get(2);
      String large = (String) parameters.get(3);
      return service -> service.strings(plain, maybe, dictionary, large);
    }

    @Override
    public void write(Object[] args, ParameterWriter parameters) {
      for (int i = 0; i < 4; i++) {
        parameters.set(i, args[i]);
      }
    }

    @Override
    public Object readResult(ResultRow result) {
      return result.get(0);
    }
  }

  private static final class Bytes implements Method<Families> {
    @Override
    public Call<Families> read(ParameterRow parameters) {
      byte[] data = (byte[]) parameters.get(0);
      return service -> service.bytes(data);
    }

    @Override
    public void write(Object[] args, ParameterWriter parameters) {
      parameters.set(0, args[0]);
    }

    @Override
    public Object readResult(ResultRow result) {
      return result.get(0);
    }
  }

  private static final class Temporal implements Method<Families> {
    @Override
    public Call<Families> read(ParameterRow parameters) {
      Instant at = (Instant) parameters.get(0);
      LocalDate day = (LocalDate) parameters.get(1);
      Duration span = (Duration) parameters.get(2);
      BigDecimal amount = (BigDecimal) parameters.get(3);
      return service -> service.temporal(at, day, span, amount);
    }

    @Override
    public void write(Object[] args, ParameterWriter parameters) {
      for (int i = 0; i < 4; i++) {
        parameters.set(i, args[i]);
      }
    }

    @Override
    public Object readResult(ResultRow result) {
      return result.get(0);
    }
  }

  private static final class Composite implements Method<Families> {
    @Override
    @SuppressWarnings("unchecked")
    public Call<Families> read(ParameterRow parameters) {
      Families.Color color = (Families.Color) parameters.get(0);
      Families.Point point = (Families.Point) parameters.get(1);
      List<Long> values = (List<Long>) parameters.get(2);
      Map<String, String> tags = (Map<String, String>) parameters.get(3);
      Optional<String> note = (Optional<String>) parameters.get(4);
      return service -> service.composite(color, point, values, tags, note);
    }

    @Override
    public void write(Object[] args, ParameterWriter parameters) {
      for (int i = 0; i < 5; i++) {
        parameters.set(i, args[i]);
      }
    }

    @Override
    public Object readResult(ResultRow result) {
      return result.get(0);
    }
  }
}
