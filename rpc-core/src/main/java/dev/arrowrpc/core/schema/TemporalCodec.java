package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.BatchView;
import dev.arrowrpc.core.wire.MarshalException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DurationVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * {@link Instant} as timestamp[us, UTC], {@link LocalDateTime} as timestamp[us], {@link LocalDate}
 * as date32, {@link LocalTime} as time64[us], {@link Duration} as duration[us]. Values are stored in
 * microseconds; finer precision is refused rather than dropped. Reads accept any unit.
 */
final class TemporalCodec extends Codec {
  /** The temporal kinds. */
  enum Kind {
    INSTANT,
    LOCAL_DATE_TIME,
    LOCAL_DATE,
    LOCAL_TIME,
    DURATION
  }

  private final Kind kind;

  TemporalCodec(Kind kind) {
    this.kind = kind;
  }

  @Override
  protected ArrowType arrowType() {
    return switch (kind) {
      case INSTANT -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
      case LOCAL_DATE_TIME -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
      case LOCAL_DATE -> new ArrowType.Date(DateUnit.DAY);
      case LOCAL_TIME -> new ArrowType.Time(TimeUnit.MICROSECOND, 64);
      case DURATION -> new ArrowType.Duration(TimeUnit.MICROSECOND);
    };
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    try {
      store(vector, index, value);
    } catch (ArithmeticException e) {
      throw new MarshalException(
          "value " + value + " is outside the range of " + describe(arrowType()), e);
    }
  }

  private static String describe(ArrowType type) {
    return type.toString().toLowerCase(java.util.Locale.ROOT);
  }

  private void store(FieldVector vector, int index, Object value) {
    long raw = raw(value);
    switch (kind) {
      case INSTANT, LOCAL_DATE_TIME -> ((TimeStampVector) vector).setSafe(index, raw);
      case LOCAL_DATE -> ((DateDayVector) vector).setSafe(index, (int) raw);
      case LOCAL_TIME -> ((TimeMicroVector) vector).setSafe(index, raw);
      case DURATION -> ((DurationVector) vector).setSafe(index, raw);
    }
  }

  private static long micros(Instant instant, FieldVector vector) {
    requireWholeMicros(instant.getNano(), vector, instant);
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  private static void requireWholeMicros(long nanos, FieldVector vector, Object value) {
    if (nanos % 1000 != 0) {
      throw new MarshalException(
          "value " + value
              + " has sub-microsecond precision, which the column cannot hold");
    }
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    try {
      return load(vector, index);
    } catch (java.time.DateTimeException | ArithmeticException e) {
      throw new MarshalException("the cell cannot be read as a " + kind + ": " + e.getMessage(), e);
    }
  }

  private Object load(FieldVector vector, int index) {
    return switch (kind) {
      case INSTANT -> instant(vector, index);
      case LOCAL_DATE_TIME -> LocalDateTime.ofInstant(instant(vector, index), ZoneOffset.UTC);
      case LOCAL_DATE -> {
        if (vector instanceof DateDayVector v) {
          yield LocalDate.ofEpochDay(v.get(index));
        }
        if (vector instanceof DateMilliVector v) {
          yield LocalDate.ofEpochDay(Math.floorDiv(v.get(index), 86_400_000L));
        }
        throw wrongType(vector, "a date");
      }
      case LOCAL_TIME -> {
        if (vector instanceof TimeMicroVector v) {
          yield LocalTime.ofNanoOfDay(v.get(index) * 1000);
        }
        if (vector instanceof TimeNanoVector v) {
          yield LocalTime.ofNanoOfDay(v.get(index));
        }
        if (vector instanceof TimeMilliVector v) {
          yield LocalTime.ofNanoOfDay(v.get(index) * 1_000_000L);
        }
        if (vector instanceof TimeSecVector v) {
          yield LocalTime.ofSecondOfDay(v.get(index));
        }
        throw wrongType(vector, "a time");
      }
      case DURATION -> {
        if (vector instanceof DurationVector v) {
          long raw = DurationVector.get(v.getDataBuffer(), index);
          TimeUnit unit = ((ArrowType.Duration) v.getField().getType()).getUnit();
          yield Duration.of(raw, chronoUnit(unit));
        }
        throw wrongType(vector, "a duration");
      }
    };
  }

  /** The instant some microseconds after the epoch (what {@code Instant.EPOCH.plus(raw, MICROS)} gives, in one step). */
  /**
   * An instant column's value read by its lane: what the lane's {@code valueAt} returns for an
   * {@code INSTANT} codec, with its failure (never raised: every long of microseconds is an instant).
   */
  static Instant instantOfMicros(long raw) {
    try {
      return micros(raw);
    } catch (java.time.DateTimeException | ArithmeticException e) {
      throw new MarshalException("the cell cannot be read as a " + Kind.INSTANT + ": " + e.getMessage(), e);
    }
  }

  private static Instant micros(long raw) {
    return Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000L), Math.floorMod(raw, 1_000_000L) * 1000L);
  }

  private static Instant instant(FieldVector vector, int index) {
    if (!(vector instanceof TimeStampVector v)) {
      throw wrongType(vector, "a timestamp");
    }
    long raw = v.get(index);
    TimeUnit unit = ((ArrowType.Timestamp) v.getField().getType()).getUnit();
    return unit == TimeUnit.MICROSECOND ? micros(raw) : Instant.EPOCH.plus(raw, chronoUnit(unit));
  }

  private static ChronoUnit chronoUnit(TimeUnit unit) {
    return switch (unit) {
      case SECOND -> ChronoUnit.SECONDS;
      case MILLISECOND -> ChronoUnit.MILLIS;
      case MICROSECOND -> ChronoUnit.MICROS;
      case NANOSECOND -> ChronoUnit.NANOS;
    };
  }

  private static MarshalException wrongType(FieldVector vector, String expected) {
    return new MarshalException(
        "the column holds " + vector.getMinorType() + ", expected " + expected);
  }

  @Override
  Optional<CellLane> lane() {
    int width = kind == Kind.LOCAL_DATE ? 4 : 8;
    return Optional.of(new CellLane.Fixed(this, width,
        kind == Kind.INSTANT ? CellLane.Fixed.INSTANT : CellLane.Fixed.OTHER) {
      @Override
      long bitsOf(Object plain) {
        return raw(plain);
      }

      @Override
      Object valueAt(BatchView view, long at) {
        try {
          return value(view.signed(at, width));
        } catch (java.time.DateTimeException | ArithmeticException e) {
          throw new MarshalException("the cell cannot be read as a " + kind + ": " + e.getMessage(), e);
        }
      }
    });
  }

  /** The value as the column stores it (microseconds, days for a date), refusing what does not fit. */
  long raw(Object value) {
    try {
      return switch (kind) {
        case INSTANT -> micros((Instant) value, null);
        case LOCAL_DATE_TIME -> micros(((LocalDateTime) value).toInstant(ZoneOffset.UTC), null);
        case LOCAL_DATE -> Math.toIntExact(((LocalDate) value).toEpochDay());
        case LOCAL_TIME -> {
          long nanos = ((LocalTime) value).toNanoOfDay();
          requireWholeMicros(nanos, null, value);
          yield nanos / 1000;
        }
        case DURATION -> {
          Duration d = (Duration) value;
          requireWholeMicros(d.getNano(), null, value);
          yield Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1000);
        }
      };
    } catch (ArithmeticException e) {
      throw new MarshalException(
          "value " + value + " is outside the range of " + describe(arrowType()), e);
    }
  }

  /** The Java value of a stored value in the declared unit. */
  private Object value(long raw) {
    return switch (kind) {
      case INSTANT -> micros(raw);
      case LOCAL_DATE_TIME -> LocalDateTime.ofInstant(micros(raw), ZoneOffset.UTC);
      case LOCAL_DATE -> LocalDate.ofEpochDay(raw);
      case LOCAL_TIME -> LocalTime.ofNanoOfDay(raw * 1000);
      case DURATION -> Duration.of(raw, ChronoUnit.MICROS);
    };
  }
}
