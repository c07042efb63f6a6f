package dev.arrowrpc.conformance;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.external.ExternalRef;
import dev.arrowrpc.core.external.ExternalStorage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The conformance service's behaviour, as the reference implements it: echoes return their
 * argument, the error methods fail with the named Python error type, the logging methods send
 * their logs before answering, and each stream method builds its stream from one of the states in
 * {@link ProducerStates} and {@link ExchangeStates}.
 */
public final class ConformanceServiceImpl implements ConformanceService {
  /** Where results that carry Arrow batches are built; the server closes them once written. */
  private static final BufferAllocator RESULT_MEMORY = new RootAllocator();

  private final CancelProbe probe;
  private final StickyCounters sessions = StickyCounters.processWide();
  private final Map<Published, ExternalRef> published = new HashMap<>();
  private volatile Optional<ExternalStorage> publishStorage = Optional.empty();

  /**
   * An implementation counting in the process-wide cancel probe ({@link CancelProbe#processWide}),
   * which is shared through a file when the environment says so.
   */
  public ConformanceServiceImpl() {
    this(CancelProbe.processWide());
  }

  /**
   * An implementation counting in the given probe. Over HTTP a cancellable stream's later turns run
   * on a state restored from its token, which counts in the process-wide probe instead.
   */
  ConformanceServiceImpl(CancelProbe probe) {
    this.probe = probe;
  }

  // ---------------------------------------------------------------- scalar echo

  @Override
  public String echo_string(String value) {
    return value;
  }

  @Override
  public byte[] echo_bytes(byte[] data) {
    return data;
  }

  @Override
  public byte[] oversized_unary(long target_bytes) {
    if (target_bytes < 0) {
      throw new IllegalArgumentException("target_bytes must be non-negative");
    }
    return new byte[ProducerStates.rowCount(target_bytes, "target_bytes")];
  }

  /**
   * Publishes {@code {result: [value]}} through the worker's storage on the first call for a (value,
   * include_sha256) pair and answers every call with that reference, so the answer is always a
   * pointer batch and a repeat call uploads nothing. Fails without storage, as the reference does.
   */
  @Override
  public String published_string(String value, boolean include_sha256) {
    Optional<ExternalStorage> storage = publishStorage;
    if (storage.isEmpty()) {
      throw new RpcException("RuntimeError", "published_string requires external storage");
    }
    ExternalRef ref;
    synchronized (published) {
      ref = published.get(new Published(value, include_sha256));
      if (ref == null) {
        try {
          ref = ExternalRef.publish(storage.get(), ConformanceService.class, "published_string", value,
              include_sha256);
        } catch (IOException e) {
          throw new RpcException("RuntimeError", "published_string could not publish: " + e.getMessage());
        }
        published.put(new Published(value, include_sha256), ref);
      }
    }
    return ExternalRef.answer(ref);
  }

  /** A published value's cache key. */
  private record Published(String value, boolean includeSha256) {}

  /**
   * Gives {@link #published_string} the worker's storage to publish through (its compression is the
   * storage's).
   *
   * @param storage the worker's storage
   */
  void publishThrough(ExternalStorage storage) {
    this.publishStorage = Optional.of(storage);
  }

  @Override
  public long echo_int(long value) {
    return value;
  }

  @Override
  public double echo_float(double value) {
    return value;
  }

  @Override
  public boolean echo_bool(boolean value) {
    return value;
  }

  // ---------------------------------------------------------------- void

  @Override
  public void void_noop() {}

  @Override
  public void void_with_param(long value) {}

  // ---------------------------------------------------------------- complex types

  @Override
  public Status echo_enum(Status status) {
    return status;
  }

  @Override
  public List<String> echo_list(List<String> values) {
    return values;
  }

  @Override
  public Map<String, Long> echo_dict(Map<String, Long> mapping) {
    return mapping;
  }

  @Override
  public List<List<Long>> echo_nested_list(List<List<Long>> matrix) {
    return matrix;
  }

  // ---------------------------------------------------------------- optional

  @Override
  public String echo_optional_string(String value) {
    return value;
  }

  @Override
  public Long echo_optional_int(Long value) {
    return value;
  }

  @Override
  public Point echo_optional_point(Point point) {
    return point;
  }

  @Override
  public Integer echo_annotated_optional_int(Integer value) {
    return value;
  }

  @Override
  public Integer echo_outer_optional_non_null(Integer value) {
    return value;
  }

  // ---------------------------------------------------------------- records

  @Override
  public Point echo_point(Point point) {
    return point;
  }

  @Override
  public AllTypes echo_all_types(AllTypes data) {
    return data;
  }

  @Override
  public BoundingBox echo_bounding_box(BoundingBox box) {
    return box;
  }

  /** Formats the point with Python's float text, for example {@code Point(1.5, 2.5)}. */
  @Override
  public String inspect_point(Point point) {
    return "Point(" + PythonFloats.str(point.x()) + ", " + PythonFloats.str(point.y()) + ")";
  }

  // ---------------------------------------------------------------- annotated widths

  @Override
  public int echo_int32(int value) {
    return value;
  }

  @Override
  public float echo_float32(float value) {
    return value;
  }

  @Override
  public byte echo_int8(byte value) {
    return value;
  }

  @Override
  public short echo_int16(short value) {
    return value;
  }

  @Override
  public int echo_uint8(int value) {
    return value;
  }

  @Override
  public int echo_uint16(int value) {
    return value;
  }

  @Override
  public long echo_uint32(long value) {
    return value;
  }

  @Override
  public BigInteger echo_uint64(BigInteger value) {
    return value;
  }

  @Override
  public LocalDate echo_date(LocalDate value) {
    return value;
  }

  @Override
  public LocalDateTime echo_timestamp(LocalDateTime value) {
    return value;
  }

  @Override
  public Instant echo_timestamp_utc(Instant value) {
    return value;
  }

  @Override
  public LocalTime echo_time(LocalTime value) {
    return value;
  }

  @Override
  public Duration echo_duration(Duration value) {
    return value;
  }

  @Override
  public BigDecimal echo_decimal(BigDecimal value) {
    return value;
  }

  @Override
  public String echo_large_string(String value) {
    return value;
  }

  @Override
  public byte[] echo_large_binary(byte[] value) {
    return value;
  }

  @Override
  public byte[] echo_fixed_binary(byte[] value) {
    return value;
  }

  @Override
  public WideTypes echo_wide_types(WideTypes data) {
    return data;
  }

  @Override
  public ContainerWideTypes echo_container_wide_types(ContainerWideTypes data) {
    return data;
  }

  /** Echoes the record; the server encodes the result before it releases the argument's batch. */
  @Override
  public EmbeddedArrow echo_embedded_arrow(EmbeddedArrow data) {
    return data;
  }

  @Override
  public DeepNested echo_deep_nested(DeepNested data) {
    return data;
  }

  @Override
  public String echo_dict_encoded_string(String value) {
    return value;
  }

  /**
   * Packs the containers: {@code frozen_statuses} holds the distinct statuses in first-seen order,
   * {@code tagged_status} and {@code tagged_point} the first of each (null when empty) and {@code
   * tagged_batch} the batch {@code {value: [1, 2]}} (int64, nullable), which the server releases
   * once the result is written.
   */
  @Override
  public NestedContainers pack_nested_containers(
      List<Status> statuses, List<Point> points, Map<String, Status> status_by_name) {
    requireMembers(statuses, "statuses were not reconstructed as Status members");
    requireMembers(points, "points were not reconstructed as Point instances");
    requireMembers(status_by_name.values(), "status_by_name values were not reconstructed as Status members");
    return new NestedContainers(statuses, points, status_by_name, new LinkedHashSet<>(statuses),
        statuses.isEmpty() ? null : statuses.get(0),
        points.isEmpty() ? null : points.get(0),
        oneTwo());
  }

  /** The batch {@code {value: [1, 2]}}, as the reference builds it from a Python dict. */
  private static VectorSchemaRoot oneTwo() {
    Schema schema = new Schema(List.of(Field.nullable("value", new ArrowType.Int(64, true))));
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, RESULT_MEMORY);
    BigIntVector value = (BigIntVector) root.getVector("value");
    value.allocateNew(2);
    value.set(0, 1);
    value.set(1, 2);
    value.setValueCount(2);
    root.setRowCount(2);
    return root;
  }

  @Override
  public List<Status> echo_status_list(List<Status> statuses) {
    requireMembers(statuses, "statuses were not reconstructed as Status members");
    return statuses;
  }

  /** A null element (the list items are nullable on the wire) is a TypeError, as in the reference. */
  private static void requireMembers(java.util.Collection<?> values, String message) {
    if (values.stream().anyMatch(java.util.Objects::isNull)) {
      throw new RpcException("TypeError", message);
    }
  }

  // ---------------------------------------------------------------- several parameters

  @Override
  public double add_floats(double a, double b) {
    return a + b;
  }

  @Override
  public String concatenate(String prefix, String suffix, String separator) {
    return prefix + separator + suffix;
  }

  @Override
  public String with_defaults(long required, String optional_str, long optional_int) {
    return "required=" + required + ", optional_str=" + optional_str + ", optional_int=" + optional_int;
  }

  // ---------------------------------------------------------------- errors

  @Override
  public String raise_value_error(String message) {
    throw new RpcException("ValueError", message);
  }

  @Override
  public String raise_runtime_error(String message) {
    throw new RpcException("RuntimeError", message);
  }

  @Override
  public String raise_type_error(String message) {
    throw new RpcException("TypeError", message);
  }

  // ---------------------------------------------------------------- logging

  @Override
  public String echo_with_info_log(String value) {
    return echo_with_info_log(value, currentContext());
  }

  /** Logs INFO {@code "info: value"}, then echoes. */
  public String echo_with_info_log(String value, CallContext context) {
    context.log(LogLevel.INFO, "info: " + value);
    return value;
  }

  @Override
  public String echo_with_multi_logs(String value) {
    return echo_with_multi_logs(value, currentContext());
  }

  /** Logs DEBUG, INFO and WARN ({@code "debug: value"} …), then echoes. */
  public String echo_with_multi_logs(String value, CallContext context) {
    context.log(LogLevel.DEBUG, "debug: " + value);
    context.log(LogLevel.INFO, "info: " + value);
    context.log(LogLevel.WARN, "warn: " + value);
    return value;
  }

  @Override
  public String echo_with_log_extras(String value) {
    return echo_with_log_extras(value, currentContext());
  }

  /** Logs INFO {@code "info: value"} with extras {@code source=conformance, detail=value}, then echoes. */
  public String echo_with_log_extras(String value, CallContext context) {
    context.log(LogLevel.INFO, "info: " + value, Map.of("source", "conformance", "detail", value));
    return value;
  }

  @Override
  public String echo_with_all_log_levels(String value) {
    return echo_with_all_log_levels(value, currentContext());
  }

  /** Logs once at TRACE, DEBUG, INFO, WARN and ERROR ({@code "trace: value"} …), then echoes. */
  public String echo_with_all_log_levels(String value, CallContext context) {
    for (LogLevel level : List.of(LogLevel.TRACE, LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR)) {
      context.log(level, level.name().toLowerCase(java.util.Locale.ROOT) + ": " + value);
    }
    return value;
  }

  private static CallContext currentContext() {
    return CallContext.current().orElseThrow(() -> new IllegalStateException("not serving a call"));
  }

  // ---------------------------------------------------------------- producer streams

  @Override
  public BatchStream produce_n(long count) {
    return BatchStream.producer(Batches.COUNTER, new ProducerStates.Counter(count));
  }

  @Override
  public BatchStream produce_tick_metadata(long count) {
    return BatchStream.producer(Batches.TICK_METADATA, new ProducerStates.TickMetadata(count));
  }

  @Override
  public BatchStream produce_empty() {
    return BatchStream.producer(Batches.COUNTER, new ProducerStates.Empty());
  }

  @Override
  public BatchStream produce_single() {
    return BatchStream.producer(Batches.COUNTER, new ProducerStates.Single());
  }

  @Override
  public BatchStream produce_large_batches(long rows_per_batch, long batch_count) {
    return BatchStream.producer(Batches.COUNTER,
        new ProducerStates.Large(ProducerStates.rowCount(rows_per_batch, "rows_per_batch"), batch_count));
  }

  @Override
  public BatchStream produce_annotated_batches(long count, long rows_per_batch) {
    return BatchStream.producer(Batches.ANNOTATED, new ProducerStates.Annotated(count,
        ProducerStates.rowCount(Math.max(0, rows_per_batch), "rows_per_batch")));
  }

  @Override
  public BatchStream produce_with_logs(long count) {
    return BatchStream.producer(Batches.COUNTER, new ProducerStates.Logging(count));
  }

  @Override
  public BatchStream produce_error_mid_stream(long emit_before_error) {
    return BatchStream.producer(Batches.COUNTER, new ProducerStates.ErrorAfterN(emit_before_error));
  }

  @Override
  public BatchStream produce_error_on_init() {
    throw new IllegalStateException("intentional init error");
  }

  @Override
  public BatchStream produce_oversized_batch(long rows_per_batch) {
    return BatchStream.producer(Batches.COUNTER,
        new ProducerStates.Oversized(ProducerStates.rowCount(rows_per_batch, "rows_per_batch")));
  }

  @Override
  public BatchStream produce_with_header(long count) {
    return BatchStream.producer(Batches.COUNTER, new ProducerStates.Counter(count))
        .withHeader(new ConformanceHeader(count, "producing " + count + " batches"));
  }

  @Override
  public BatchStream produce_with_header_and_logs(long count) {
    return produce_with_header_and_logs(count, currentContext());
  }

  /** Logs INFO {@code "stream init log"} while starting (it travels with the header). */
  public BatchStream produce_with_header_and_logs(long count, CallContext context) {
    context.log(LogLevel.INFO, "stream init log");
    return BatchStream.producer(Batches.COUNTER, new ProducerStates.Counter(count))
        .withHeader(new ConformanceHeader(count, "producing " + count + " with logs"));
  }

  // ---------------------------------------------------------------- exchange streams

  @Override
  public BatchStream exchange_scale(double factor) {
    return BatchStream.exchange(Batches.SCALE, Batches.SCALE, new ExchangeStates.Scale(factor));
  }

  @Override
  public BatchStream exchange_accumulate() {
    return BatchStream.exchange(Batches.SCALE, Batches.ACCUMULATE, new ExchangeStates.Accumulate());
  }

  @Override
  public BatchStream exchange_with_logs() {
    return BatchStream.exchange(Batches.SCALE, Batches.SCALE, new ExchangeStates.Logging());
  }

  @Override
  public BatchStream exchange_error_on_nth(long fail_on) {
    return BatchStream.exchange(Batches.SCALE, Batches.SCALE, new ExchangeStates.FailOnNth(fail_on));
  }

  /** Declared as an exchange on empty schemas, which makes it run as a producer that never finishes. */
  @Override
  public BatchStream exchange_zero_columns() {
    return BatchStream.exchange(Batches.EMPTY, Batches.EMPTY, new ExchangeStates.ZeroColumns());
  }

  @Override
  public BatchStream exchange_input_metadata() {
    return BatchStream.exchange(Batches.SCALE, Batches.INPUT_METADATA, new ExchangeStates.InputMetadata());
  }

  @Override
  public BatchStream exchange_error_on_init() {
    throw new IllegalStateException("intentional exchange init error");
  }

  @Override
  public BatchStream exchange_oversized(long rows_per_batch) {
    return BatchStream.exchange(Batches.SCALE, Batches.COUNTER,
        new ExchangeStates.Oversized(ProducerStates.rowCount(rows_per_batch, "rows_per_batch")));
  }

  @Override
  public BatchStream exchange_with_header(double factor) {
    return BatchStream.exchange(Batches.SCALE, Batches.SCALE, new ExchangeStates.Scale(factor))
        .withHeader(new ConformanceHeader(0, "scale by " + PythonFloats.str(factor)));
  }

  // ---------------------------------------------------------------- cancellation

  @Override
  public BatchStream cancellable_producer() {
    return BatchStream.producer(Batches.COUNTER, new ProducerStates.Cancellable(probe));
  }

  @Override
  public BatchStream cancellable_exchange() {
    return BatchStream.exchange(Batches.SCALE, Batches.SCALE, new ExchangeStates.Cancellable(probe));
  }

  @Override
  public List<Long> cancel_probe_counters() {
    return probe.snapshot();
  }

  @Override
  public void reset_cancel_probe() {
    probe.reset();
  }

  // ---------------------------------------------------------------- rich headers, dynamic schemas

  @Override
  public BatchStream produce_with_rich_header(long seed, long count) {
    return BatchStream.producer(Batches.COUNTER, new ProducerStates.Counter(count))
        .withHeader(RichHeaders.build(seed));
  }

  @Override
  public BatchStream produce_dynamic_schema(
      long seed, long count, boolean include_strings, boolean include_floats) {
    return BatchStream.producer(Batches.dynamic(include_strings, include_floats), new ProducerStates.Dynamic(count))
        .withHeader(RichHeaders.build(seed));
  }

  @Override
  public BatchStream exchange_cast_compatible() {
    return BatchStream.exchange(Batches.SCALE, Batches.SCALE, new ExchangeStates.Scale(1.0));
  }

  @Override
  public BatchStream exchange_with_rich_header(long seed, double factor) {
    return BatchStream.exchange(Batches.SCALE, Batches.SCALE, new ExchangeStates.Scale(factor))
        .withHeader(RichHeaders.build(seed));
  }

  // ---------------------------------------------------------------- sticky sessions

  @Override
  public long open_counter(long initial) {
    return sessions.open(currentContext(), initial).get();
  }

  @Override
  public long increment_counter(long by) {
    return sessions.bound(currentContext()).addAndGet(by);
  }

  @Override
  public long close_counter() {
    CallContext context = currentContext();
    long last = sessions.bound(context).get();
    sessions.close(context);
    return last;
  }

  @Override
  public BatchStream stream_session_counter(long count) {
    return BatchStream.producer(Batches.SESSION_COUNTER, new ProducerStates.SessionCounter(count, sessions));
  }

  @Override
  public BatchStream exchange_session_counter() {
    return BatchStream.exchange(Batches.SESSION_INPUT, Batches.SESSION_COUNTER,
        new ExchangeStates.SessionCounter(sessions));
  }
}
