package dev.arrowrpc.core;

import dev.arrowrpc.core.schema.TypeZoo;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Serves {@link TypeZoo}: every echo method returns its argument; the other methods build, sum or
 * deliberately misbehave as their documentation in the interface says.
 */
public final class TypeZooImpl implements TypeZoo, AutoCloseable {
  private final BufferAllocator memory = new RootAllocator();

  /** Bytes held by the roots {@link #makeRoot} built and the server has not yet released. */
  public long bytes() {
    return memory.getAllocatedMemory();
  }

  @Override
  public void close() {
    memory.close();
  }

  @Override
  public String echoString(String value) {
    return value;
  }

  @Override
  public byte[] echoBytes(byte[] value) {
    return value;
  }

  @Override
  public long echoLong(long value) {
    return value;
  }

  @Override
  public Long echoBoxedLong(Long value) {
    return value;
  }

  @Override
  public int echoInt(int value) {
    return value;
  }

  @Override
  public Integer echoBoxedInt(Integer value) {
    return value;
  }

  @Override
  public short echoShort(short value) {
    return value;
  }

  @Override
  public Short echoBoxedShort(Short value) {
    return value;
  }

  @Override
  public byte echoByte(byte value) {
    return value;
  }

  @Override
  public Byte echoBoxedByte(Byte value) {
    return value;
  }

  @Override
  public double echoDouble(double value) {
    return value;
  }

  @Override
  public Double echoBoxedDouble(Double value) {
    return value;
  }

  @Override
  public float echoFloat(float value) {
    return value;
  }

  @Override
  public Float echoBoxedFloat(Float value) {
    return value;
  }

  @Override
  public boolean echoBool(boolean value) {
    return value;
  }

  @Override
  public Boolean echoBoxedBool(Boolean value) {
    return value;
  }

  @Override
  public Color echoColor(Color value) {
    return value;
  }

  @Override
  public List<String> echoStrings(List<String> value) {
    return value;
  }

  @Override
  public List<String> echoNullableItems(List<String> value) {
    return value;
  }

  @Override
  public Set<Long> echoLongSet(Set<Long> value) {
    return value;
  }

  @Override
  public Set<String> echoStringSet(Set<String> value) {
    return value;
  }

  @Override
  public List<Color> echoColors(List<Color> value) {
    return value;
  }

  @Override
  public List<List<Long>> echoMatrix(List<List<Long>> value) {
    return value;
  }

  @Override
  public Map<String, Long> echoMap(Map<String, Long> value) {
    return value;
  }

  @Override
  public Map<String, Long> echoNullableValues(Map<String, Long> value) {
    return value;
  }

  @Override
  public Map<String, List<Long>> echoMapOfLists(Map<String, List<Long>> value) {
    return value;
  }

  @Override
  public Map<Long, Point> echoPointsById(Map<Long, Point> value) {
    return value;
  }

  @Override
  public Optional<String> echoOptString(Optional<String> value) {
    return value;
  }

  @Override
  public Optional<Long> echoOptLong(Optional<Long> value) {
    return value;
  }

  @Override
  public Optional<List<String>> echoOptList(Optional<List<String>> value) {
    return value;
  }

  @Override
  public Optional<Color> echoOptColor(Optional<Color> value) {
    return value;
  }

  @Override
  public String echoNullableString(String value) {
    return value;
  }

  @Override
  public Long echoNullableLong(Long value) {
    return value;
  }

  @Override
  public Color echoNullableColor(Color value) {
    return value;
  }

  @Override
  public byte[] echoNullableBytes(byte[] value) {
    return value;
  }

  @Override
  public byte[] echoNullableBytesArrayForm(byte[] value) {
    return value;
  }

  @Override
  public Point echoPoint(Point value) {
    return value;
  }

  @Override
  public Optional<Point> echoOptPoint(Optional<Point> value) {
    return value;
  }

  @Override
  public Point echoNullablePoint(Point value) {
    return value;
  }

  @Override
  public Outer echoOuter(Outer value) {
    return value;
  }

  @Override
  public Optional<Outer> echoOptOuter(Optional<Outer> value) {
    return value;
  }

  @Override
  public List<Point> echoPoints(List<Point> value) {
    return value;
  }

  @Override
  public List<Outer> echoOuters(List<Outer> value) {
    return value;
  }

  @Override
  public Map<String, Point> echoPointMap(Map<String, Point> value) {
    return value;
  }

  @Override
  public Scalars echoScalars(Scalars value) {
    return value;
  }

  @Override
  public Wired echoWired(Wired value) {
    return value;
  }

  @Override
  public Temporal echoTemporal(Temporal value) {
    return value;
  }

  @Override
  public Containers echoContainers(Containers value) {
    return value;
  }

  @Override
  public byte echoInt8(byte value) {
    return value;
  }

  @Override
  public long echoInt8Long(long value) {
    return value;
  }

  @Override
  public int echoInt16(int value) {
    return value;
  }

  @Override
  public long echoInt32(long value) {
    return value;
  }

  @Override
  public int echoInt64(int value) {
    return value;
  }

  @Override
  public BigInteger echoInt64Big(BigInteger value) {
    return value;
  }

  @Override
  public int echoUint8(int value) {
    return value;
  }

  @Override
  public int echoUint16(int value) {
    return value;
  }

  @Override
  public long echoUint32(long value) {
    return value;
  }

  @Override
  public long echoUint64(long value) {
    return value;
  }

  @Override
  public BigInteger echoUint64Big(BigInteger value) {
    return value;
  }

  @Override
  public double echoFloat32(double value) {
    return value;
  }

  @Override
  public float echoFloat64(float value) {
    return value;
  }

  @Override
  public String echoUtf8(String value) {
    return value;
  }

  @Override
  public byte[] echoBinary(byte[] value) {
    return value;
  }

  @Override
  public String echoLargeString(String value) {
    return value;
  }

  @Override
  public byte[] echoLargeBytes(byte[] value) {
    return value;
  }

  @Override
  public byte[] echoFixed8(byte[] value) {
    return value;
  }

  @Override
  public byte[] echoFixed4ArrayForm(byte[] value) {
    return value;
  }

  @Override
  public String echoDictString(String value) {
    return value;
  }

  @Override
  public List<String> echoDictStrings(List<String> value) {
    return value;
  }

  @Override
  public LocalDate echoDate32(LocalDate value) {
    return value;
  }

  @Override
  public LocalDateTime echoTimestamp(LocalDateTime value) {
    return value;
  }

  @Override
  public Instant echoTimestampUtc(Instant value) {
    return value;
  }

  @Override
  public LocalTime echoTime64(LocalTime value) {
    return value;
  }

  @Override
  public Duration echoDurationUs(Duration value) {
    return value;
  }

  @Override
  public BigDecimal echoDecimal(BigDecimal value) {
    return value;
  }

  @Override
  public Long echoNullableUint32(Long value) {
    return value;
  }

  @Override
  public Optional<Short> echoOptInt16(Optional<Short> value) {
    return value;
  }

  @Override
  public List<Integer> echoUint8List(List<Integer> value) {
    return value;
  }

  @Override
  public Instant echoInstant(Instant value) {
    return value;
  }

  @Override
  public LocalDate echoLocalDate(LocalDate value) {
    return value;
  }

  @Override
  public LocalDateTime echoLocalDateTime(LocalDateTime value) {
    return value;
  }

  @Override
  public LocalTime echoLocalTime(LocalTime value) {
    return value;
  }

  @Override
  public Duration echoDuration(Duration value) {
    return value;
  }

  @Override
  public BigDecimal echoBigDecimal(BigDecimal value) {
    return value;
  }

  @Override
  public VectorSchemaRoot echoRoot(VectorSchemaRoot value) {
    return value;
  }

  @Override
  public VectorSchemaRoot makeRoot(int rows) {
    return Roots.sample(memory, rows);
  }

  @Override
  public double sumRoot(VectorSchemaRoot value) {
    Float8Vector f = (Float8Vector) value.getVector("f");
    double sum = 0;
    for (int i = 0; i < value.getRowCount(); i++) {
      if (!f.isNull(i)) {
        sum += f.get(i);
      }
    }
    return sum;
  }

  @Override
  public int countNullableRoot(VectorSchemaRoot value) {
    return value == null ? -1 : value.getRowCount();
  }

  @Override
  public VectorSchemaRoot maybeRoot(int rows) {
    return rows < 0 ? null : makeRoot(rows);
  }

  @Override
  public void nothing() {}

  @Override
  public long mixed(String a, Long b, Optional<Point> c, List<Color> d, Point e, Color f) {
    return a.length() + (b == null ? 1000 : b) + c.map(p -> p.x() + p.y()).orElse(-1L) + d.size()
        + e.x() * 10 + f.ordinal() * 100L;
  }

  @Override
  public long badInt8() {
    return 1000;
  }

  @Override
  public String badNull() {
    return null;
  }

  @Override
  public BigDecimal badDecimal() {
    return new BigDecimal("1.23456");
  }
}
