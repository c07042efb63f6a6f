package dev.arrowrpc.conformance;

import dev.arrowrpc.core.RpcService;

/**
 * The second application protocol every conformance worker hosts beside {@link
 * ConformanceService}: {@code conformance.Secondary.v1}. It declares no version on purpose (a
 * client sends none, so a server gating every call on the primary's version refuses these), and
 * its {@code echo_string} has the primary's name and signature on purpose (a server routing on the
 * bare method name answers one with the other, which the prefixed reply makes visible). The
 * behaviour is documented on {@link SecondaryServiceImpl}.
 */
@RpcService(name = SecondaryService.PROTOCOL_NAME)
public interface SecondaryService {
  /** The protocol's name, its routing key. */
  String PROTOCOL_NAME = "conformance.Secondary.v1";

  /**
   * The protocol hash the reference pins for this protocol: SHA-256 of {@code
   * vgi_rpc.protocol_hash.v1|} and the protocol's canonical description.
   */
  String PROTOCOL_HASH = "58557cf1611546ad22d1c379bc3ce1b04166082f78375e9fc959f0086347eab6";

  /** Returns {@code "secondary:" + value}. */
  String echo_string(String value);

  /**
   * Always fails, with error code {@code code}, error kind {@code kind} (none when empty) and a
   * fixed array of details; a {@code code} outside the sixteen canonical names fails with
   * INVALID_ARGUMENT / {@code invalid_code} instead.
   */
  void fail(String code, String kind, double retry_delay_seconds);

  /** Always fails with RESOURCE_EXHAUSTED / {@code details_oversized} and details over the 4 KiB cap. */
  void fail_oversized();
}
