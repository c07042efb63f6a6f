package dev.arrowrpc.conformance.nativeclient;

import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcService;

/**
 * The reference's native-client fixture service ({@code ClientConformanceService} of {@code
 * vgi_rpc.conformance.client_worker}, unversioned), declared for arrow-rpc's typed client. Every
 * schema comes from these declarations: the exchange's rows are {@link TypedRow} (the reference's
 * {@code TYPED_EXCHANGE_SCHEMA}), the producers' rows {@link ProducerRow} ({@code PRODUCER_SCHEMA});
 * Python {@code int} is int64 and {@code bytes} binary, as on the reference's wire. Method and
 * parameter names are the wire's, hence snake_case.
 */
@RpcService(name = "ClientConformanceService")
public interface ClientConformanceService {
  /** Echoes every batch of {@link TypedRow}s unchanged. */
  Exchange<TypedRow, TypedRow> typed_exchange();

  /** Produces {@code count} rows, index 0 up, each with {@code payload_bytes} bytes of payload. */
  Producer<ProducerRow> producer_sequence(long count, long payload_bytes);

  /** Produces a zero-row data batch, then index 7, then ends. */
  Producer<ProducerRow> producer_zero_row_then_value();

  /** Produces index 99 and ends in the same turn. */
  Producer<ProducerRow> producer_emit_and_finish();

  /** Ends on its first turn without data. */
  Producer<ProducerRow> producer_empty();

  /** Opens a sticky counter session (worker started with {@code --sticky}). */
  long open_client_session(long initial);

  /** Increments the sticky counter. */
  long increment_client_session(long by);

  /** Returns the sticky counter and closes its session. */
  long close_client_session();

  /** Returns {@code size} deterministic bytes (byte i is i mod 251). */
  byte[] large_response(long size);

  /** Echoes bytes. */
  byte[] echo_bytes(byte[] value);
}
