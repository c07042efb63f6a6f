package dev.arrowrpc.bench;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.RpcService;

/**
 * The handful of the reference's conformance methods that the peer comparison calls, declared with
 * the reference's names and types. Every implementation ships a worker serving the whole {@code
 * ConformanceService}; one Java client drives each of them through this interface, so the peers
 * are compared on identical requests.
 */
@RpcService(name = "ConformanceService", version = "2.0.0")
public interface ConformancePeer {

  /** Does nothing. */
  void void_noop();

  /**
   * Adds two floats.
   *
   * @param a the first
   * @param b the second
   * @return the sum
   */
  double add_floats(double a, double b);

  /**
   * Echoes a string.
   *
   * @param value the string
   * @return the same string
   */
  String echo_string(String value);

  /**
   * Formats its three parameters (an int64, a utf8, an int64).
   *
   * @param required an int64
   * @param optional_str a utf8
   * @param optional_int an int64
   * @return {@code required=…, optional_str=…, optional_int=…}
   */
  String with_defaults(long required, String optional_str, long optional_int);

  /**
   * Produces {@code count} one-row batches of {@code index: int64, value: int64}.
   *
   * @param count how many batches
   * @return the producer
   */
  BatchStream produce_n(long count);

  /**
   * Multiplies the {@code value: float64} column of each input batch by {@code factor}.
   *
   * @param factor the multiplier
   * @return the exchange
   */
  BatchStream exchange_scale(double factor);

  /**
   * Echoes bytes.
   *
   * @param data the payload
   * @return the same bytes
   */
  byte[] echo_bytes(byte[] data);
}
