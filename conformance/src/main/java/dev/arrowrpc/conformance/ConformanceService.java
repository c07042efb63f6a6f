package dev.arrowrpc.conformance;

import static dev.arrowrpc.core.StreamKind.Kind.EXCHANGE;
import static dev.arrowrpc.core.StreamKind.Kind.PRODUCER;
import static dev.arrowrpc.core.Wire.Type.DECIMAL128;
import static dev.arrowrpc.core.Wire.Type.DICTIONARY_UTF8;
import static dev.arrowrpc.core.Wire.Type.FIXED_SIZE_BINARY;
import static dev.arrowrpc.core.Wire.Type.FLOAT32;
import static dev.arrowrpc.core.Wire.Type.INT16;
import static dev.arrowrpc.core.Wire.Type.INT32;
import static dev.arrowrpc.core.Wire.Type.INT8;
import static dev.arrowrpc.core.Wire.Type.LARGE_BINARY;
import static dev.arrowrpc.core.Wire.Type.LARGE_UTF8;
import static dev.arrowrpc.core.Wire.Type.UINT16;
import static dev.arrowrpc.core.Wire.Type.UINT32;
import static dev.arrowrpc.core.Wire.Type.UINT64;
import static dev.arrowrpc.core.Wire.Type.UINT8;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.StreamHeader;
import dev.arrowrpc.core.StreamKind;
import dev.arrowrpc.core.Wire;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;

/**
 * The cross-language conformance service of vgi-rpc (protocol {@code ConformanceService}, version
 * 2.0.0, as vgi-rpc 0.52 defines it): 61 unary methods and 29 streams covering every capability the
 * framework offers. Method and parameter names are the wire's, hence snake_case. Every stream is a
 * {@link BatchStream} whose schemas are decided at run time; each declares its kind with {@link
 * StreamKind}, as the reference declares a producer or an exchange state.
 *
 * <p>The methods' behaviour is documented on {@link ConformanceServiceImpl}.
 */
@RpcService(name = "ConformanceService", version = "2.0.0")
public interface ConformanceService {

  // ---------------------------------------------------------------- scalar echo

  /** Echoes a string. */
  String echo_string(String value);

  /** Echoes bytes. */
  byte[] echo_bytes(byte[] data);

  /** Returns {@code target_bytes} zero bytes; a negative size is a ValueError. */
  byte[] oversized_unary(long target_bytes);

  /**
   * Returns {@code value} through a pre-published external reference (publish once, reuse), which
   * needs the worker's external storage; without it the call fails with a RuntimeError.
   */
  String published_string(String value, boolean include_sha256);

  /** Echoes an int64. */
  long echo_int(long value);

  /** Echoes a float64, bit for bit. */
  double echo_float(double value);

  /** Echoes a bool. */
  boolean echo_bool(boolean value);

  // ---------------------------------------------------------------- void

  /** Does nothing. */
  void void_noop();

  /** Takes a parameter and does nothing. */
  void void_with_param(long value);

  // ---------------------------------------------------------------- complex types

  /** Echoes an enum constant. */
  Status echo_enum(Status status);

  /** Echoes a list of strings. */
  List<String> echo_list(List<String> values);

  /** Echoes a map, keeping its key order. */
  Map<String, Long> echo_dict(Map<String, Long> mapping);

  /** Echoes a list of lists. */
  List<List<Long>> echo_nested_list(List<List<Long>> matrix);

  // ---------------------------------------------------------------- optional

  /** Echoes a string or null. */
  @Nullable String echo_optional_string(@Nullable String value);

  /** Echoes an int64 or null. */
  @Nullable Long echo_optional_int(@Nullable Long value);

  /** Echoes a point or null (a binary cell, nullable). */
  @Nullable Point echo_optional_point(@Nullable Point point);

  /** Echoes an int32 or null (the reference's {@code Annotated[int | None, ArrowType(int32)]}). */
  @Nullable @Wire(INT32) Integer echo_annotated_optional_int(@Nullable @Wire(INT32) Integer value);

  /**
   * Echoes an int32 declared non-nullable inside an optional (the reference's {@code
   * Annotated[int, ArrowType(int32, nullable=False)] | None}): the schema says non-nullable.
   */
  @Nullable(declared = false) @Wire(INT32) Integer echo_outer_optional_non_null(
      @Nullable(declared = false) @Wire(INT32) Integer value);

  // ---------------------------------------------------------------- records

  /** Echoes a point. */
  Point echo_point(Point point);

  /** Echoes a record of every ordinary type. */
  AllTypes echo_all_types(AllTypes data);

  /** Echoes a bounding box. */
  BoundingBox echo_bounding_box(BoundingBox box);

  /** Formats a point as {@code Point(x, y)}. */
  String inspect_point(Point point);

  // ---------------------------------------------------------------- annotated widths

  /** Echoes an int32. */
  @Wire(INT32) int echo_int32(@Wire(INT32) int value);

  /** Echoes a float32. */
  @Wire(FLOAT32) float echo_float32(@Wire(FLOAT32) float value);

  /** Echoes an int8. */
  @Wire(INT8) byte echo_int8(@Wire(INT8) byte value);

  /** Echoes an int16. */
  @Wire(INT16) short echo_int16(@Wire(INT16) short value);

  /** Echoes a uint8. */
  @Wire(UINT8) int echo_uint8(@Wire(UINT8) int value);

  /** Echoes a uint16. */
  @Wire(UINT16) int echo_uint16(@Wire(UINT16) int value);

  /** Echoes a uint32. */
  @Wire(UINT32) long echo_uint32(@Wire(UINT32) long value);

  /** Echoes a uint64, including values above {@code Long.MAX_VALUE}. */
  @Wire(UINT64) BigInteger echo_uint64(@Wire(UINT64) BigInteger value);

  /** Echoes a date32. */
  LocalDate echo_date(LocalDate value);

  /** Echoes a timestamp[us] without time zone. */
  LocalDateTime echo_timestamp(LocalDateTime value);

  /** Echoes a timestamp[us, tz=UTC]. */
  Instant echo_timestamp_utc(Instant value);

  /** Echoes a time64[us]. */
  LocalTime echo_time(LocalTime value);

  /** Echoes a duration[us]. */
  Duration echo_duration(Duration value);

  /** Echoes a decimal128(20, 4) exactly. */
  @Wire(value = DECIMAL128, precision = 20, scale = 4) BigDecimal echo_decimal(
      @Wire(value = DECIMAL128, precision = 20, scale = 4) BigDecimal value);

  /** Echoes a large_utf8 string. */
  @Wire(LARGE_UTF8) String echo_large_string(@Wire(LARGE_UTF8) String value);

  /**
   * Echoes a large_binary value. A value longer than a Java array can hold is refused with a
   * TypeError; the connection stays usable.
   */
  byte @Wire(LARGE_BINARY) [] echo_large_binary(byte @Wire(LARGE_BINARY) [] value);

  /** Echoes a fixed_size_binary(8) value. */
  byte @Wire(value = FIXED_SIZE_BINARY, byteWidth = 8) [] echo_fixed_binary(
      byte @Wire(value = FIXED_SIZE_BINARY, byteWidth = 8) [] value);

  /** Echoes a record of every primitive width. */
  WideTypes echo_wide_types(WideTypes data);

  /** Echoes a record of wide types inside containers. */
  ContainerWideTypes echo_container_wide_types(ContainerWideTypes data);

  /** Echoes a record holding a record batch and a schema. */
  EmbeddedArrow echo_embedded_arrow(EmbeddedArrow data);

  /** Echoes a record of deeply nested and dictionary-encoded values. */
  DeepNested echo_deep_nested(DeepNested data);

  /**
   * Packs enums and points received inside containers into a {@link NestedContainers}: the
   * distinct statuses, the first status and point (or null), and the batch {@code {value: [1, 2]}}.
   */
  NestedContainers pack_nested_containers(
      List<Status> statuses, List<Point> points, Map<String, Status> status_by_name);

  /** Echoes enum members in a list. */
  List<Status> echo_status_list(List<Status> statuses);

  /** Echoes a dictionary-encoded string. */
  @Wire(DICTIONARY_UTF8) String echo_dict_encoded_string(@Wire(DICTIONARY_UTF8) String value);

  // ---------------------------------------------------------------- several parameters

  /** Adds two floats. */
  double add_floats(double a, double b);

  /** Joins prefix, separator and suffix (the reference's client defaults separator to "-"). */
  String concatenate(String prefix, String suffix, String separator);

  /** Formats its parameters (client defaults: optional_str "default", optional_int 42). */
  String with_defaults(long required, String optional_str, long optional_int);

  // ---------------------------------------------------------------- errors

  /** Fails with a ValueError carrying the message. */
  String raise_value_error(String message);

  /** Fails with a RuntimeError carrying the message. */
  String raise_runtime_error(String message);

  /** Fails with a TypeError carrying the message. */
  String raise_type_error(String message);

  // ---------------------------------------------------------------- logging

  /** Echoes the value after one INFO log. */
  String echo_with_info_log(String value);

  /** Echoes the value after a DEBUG, an INFO and a WARN log. */
  String echo_with_multi_logs(String value);

  /** Echoes the value after an INFO log with extras. */
  String echo_with_log_extras(String value);

  /** Echoes the value after one log at each level from TRACE to ERROR. */
  String echo_with_all_log_levels(String value);

  // ---------------------------------------------------------------- producer streams

  /** Produces {@code count} counter batches. */
  @StreamKind(PRODUCER)
  BatchStream produce_n(long count);

  /** Reports the {@code vgi.conformance.tick} metadata of each tick, {@code count} times. */
  @StreamKind(PRODUCER)
  BatchStream produce_tick_metadata(long count);

  /** Produces no batch. */
  @StreamKind(PRODUCER)
  BatchStream produce_empty();

  /** Produces one batch. */
  @StreamKind(PRODUCER)
  BatchStream produce_single();

  /** Produces {@code batch_count} batches of {@code rows_per_batch} rows. */
  @StreamKind(PRODUCER)
  BatchStream produce_large_batches(long rows_per_batch, long batch_count);

  /** Produces {@code count} batches of {@code rows_per_batch} rows, each with its own metadata. */
  @StreamKind(PRODUCER)
  BatchStream produce_annotated_batches(long count, long rows_per_batch);

  /** Produces {@code count} batches, each after an INFO log. */
  @StreamKind(PRODUCER)
  BatchStream produce_with_logs(long count);

  /** Produces {@code emit_before_error} batches, then fails. */
  @StreamKind(PRODUCER)
  BatchStream produce_error_mid_stream(long emit_before_error);

  /** Fails before the stream starts. */
  @StreamKind(PRODUCER)
  BatchStream produce_error_on_init();

  /** Produces one batch of {@code rows_per_batch} rows. */
  @StreamKind(PRODUCER)
  BatchStream produce_oversized_batch(long rows_per_batch);

  /** Produces {@code count} batches after a header. */
  @StreamHeader(ConformanceHeader.class)
  @StreamKind(PRODUCER)
  BatchStream produce_with_header(long count);

  /** Like {@link #produce_with_header}, logging once while the stream starts. */
  @StreamHeader(ConformanceHeader.class)
  @StreamKind(PRODUCER)
  BatchStream produce_with_header_and_logs(long count);

  // ---------------------------------------------------------------- exchange streams

  /** Multiplies each input value by {@code factor}. */
  @StreamKind(EXCHANGE)
  BatchStream exchange_scale(double factor);

  /** Answers each input batch with the running sum and the turn count. */
  @StreamKind(EXCHANGE)
  BatchStream exchange_accumulate();

  /** Echoes each input batch after an INFO and a DEBUG log. */
  @StreamKind(EXCHANGE)
  BatchStream exchange_with_logs();

  /** Echoes input until turn {@code fail_on}, which fails. */
  @StreamKind(EXCHANGE)
  BatchStream exchange_error_on_nth(long fail_on);

  /** Answers every turn with a batch of no rows and no columns. */
  @StreamKind(EXCHANGE)
  BatchStream exchange_zero_columns();

  /** Answers each input batch with the custom metadata it arrived with. */
  @StreamKind(EXCHANGE)
  BatchStream exchange_input_metadata();

  /** Fails before the stream starts. */
  @StreamKind(EXCHANGE)
  BatchStream exchange_error_on_init();

  /** Answers any input with a counter batch of {@code rows_per_batch} rows. */
  @StreamKind(EXCHANGE)
  BatchStream exchange_oversized(long rows_per_batch);

  /** Scales like {@link #exchange_scale}, after a header. */
  @StreamHeader(ConformanceHeader.class)
  @StreamKind(EXCHANGE)
  BatchStream exchange_with_header(double factor);

  // ---------------------------------------------------------------- cancellation

  /** Produces forever, counting turns and cancellations in the cancel probe. */
  @StreamKind(PRODUCER)
  BatchStream cancellable_producer();

  /** Echoes input, counting turns and cancellations in the cancel probe. */
  @StreamKind(EXCHANGE)
  BatchStream cancellable_exchange();

  /** Returns the cancel probe: produce calls, exchange calls, cancel calls. */
  List<Long> cancel_probe_counters();

  /** Zeroes the cancel probe. */
  void reset_cancel_probe();

  // ---------------------------------------------------------------- rich headers, dynamic schemas

  /** Produces {@code count} counter batches after the rich header built from {@code seed}. */
  @StreamHeader(RichHeader.class)
  @StreamKind(PRODUCER)
  BatchStream produce_with_rich_header(long seed, long count);

  /** Produces {@code count} batches whose schema the flags choose, after a rich header. */
  @StreamHeader(RichHeader.class)
  @StreamKind(PRODUCER)
  BatchStream produce_dynamic_schema(long seed, long count, boolean include_strings, boolean include_floats);

  /** Echoes float64 input, widening int and float32 columns to float64 first. */
  @StreamKind(EXCHANGE)
  BatchStream exchange_cast_compatible();

  /** Scales by {@code factor} after the rich header built from {@code seed}. */
  @StreamHeader(RichHeader.class)
  @StreamKind(EXCHANGE)
  BatchStream exchange_with_rich_header(long seed, double factor);

  // ---------------------------------------------------------------- sticky sessions (HTTP only)

  /** Opens a sticky session holding a counter (needs a transport with sticky sessions). */
  long open_counter(long initial);

  /** Adds to the sticky session's counter and returns it. */
  long increment_counter(long by);

  /** Returns the sticky session's counter and closes the session. */
  long close_counter();

  /** Produces {@code count} increments of the sticky session's counter. */
  @StreamKind(PRODUCER)
  BatchStream stream_session_counter(long count);

  /** Adds each input batch's {@code by} column to the sticky session's counter. */
  @StreamKind(EXCHANGE)
  BatchStream exchange_session_counter();
}
