package dev.arrowrpc.bench;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The benchmark service: the workloads the reference publishes (a no-op, an addition, a greeting,
 * a call with many mixed-type parameters, a producer of small batches, an exchange of many rounds)
 * and bulk data (whole Arrow batches, as a unary cell and as an exchange stream, and raw bytes).
 */
@RpcService(version = "1.0.0")
public interface BenchService {

  /** Does nothing: the cost of a round trip through the framework. */
  void noop();

  /**
   * Adds two numbers.
   *
   * @param a the first
   * @param b the second
   * @return the sum
   */
  double add(double a, double b);

  /**
   * Greets someone.
   *
   * @param name who
   * @return {@code "Hello, " + name}
   */
  String greet(String name);

  /**
   * Takes ten parameters of mixed types and answers with a digest of them, so none is dead.
   *
   * @param id an int64
   * @param count an int32
   * @param score a float64
   * @param ratio a float32
   * @param enabled a bool
   * @param label a utf8
   * @param blob a binary
   * @param values a list of int64
   * @param tags a map of utf8 to utf8
   * @param at a timestamp
   * @return a digest of the parameters
   */
  long mixed(long id, int count, double score, float ratio, boolean enabled, String label,
      byte[] blob, List<Long> values, Map<String, String> tags, Instant at);

  /**
   * Produces {@code count} one-row batches.
   *
   * @param count how many batches
   * @return the producer
   */
  Producer<Tick> ticks(long count);

  /**
   * Scales each input row's value; one output batch per input batch.
   *
   * @param factor the multiplier
   * @return the exchange
   */
  Exchange<Sample, Scaled> scale(double factor);

  /**
   * Echoes a whole batch, sent as one binary cell holding its IPC stream.
   *
   * @param batch the batch (the server closes it)
   * @return the same columns (the caller closes the result)
   */
  VectorSchemaRoot echo_root(VectorSchemaRoot batch);

  /**
   * Opens an exchange of whole batches on the bulk schema ({@link BulkData#SCHEMA}): each input
   * batch comes back unchanged, its buffers handed over without a copy.
   *
   * @return the stream
   */
  BatchStream echo_batches();

  /**
   * Produces {@code total} rows of the bulk schema ({@link BulkData#SCHEMA}) in batches of {@code
   * batch} rows, served from memory: each batch hands out the buffers of one batch built once per
   * process (no copy), as a bare Flight producer serving the same batches does. The DoGet rows of
   * the benchmark read it with a stock {@code FlightClient.getStream}.
   *
   * @param total how many rows in all
   * @param batch rows per batch (at most {@link BulkData#MAX_TEMPLATE_ROWS})
   * @return the producer
   */
  BatchStream rows(long total, long batch);

  /**
   * Echoes bytes.
   *
   * @param data the payload
   * @return the same bytes
   */
  byte[] echo_bytes(byte[] data);

  /**
   * A producer row.
   *
   * @param index the batch number
   * @param square its square
   */
  record Tick(long index, long square) {}

  /**
   * An exchange input row.
   *
   * @param value the value
   */
  record Sample(double value) {}

  /**
   * An exchange output row.
   *
   * @param value the input value
   * @param scaled the value times the factor
   */
  record Scaled(double value, double scaled) {}
}
