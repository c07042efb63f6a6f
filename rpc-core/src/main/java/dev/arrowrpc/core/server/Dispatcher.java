package dev.arrowrpc.core.server;

import dev.arrowrpc.core.CallListener;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.LogBatches;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The state a server shares across its connections: the bound service, its id, the allocator calls
 * draw their memory from, and the prebuilt describe response.
 */
public final class Dispatcher {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ServiceBinding binding;
  private final BufferAllocator allocator;
  private final String serverId;
  private final byte[] describeResponse;
  private final String protocolHash;
  private final CallListener listener;

  /**
   * Creates the dispatcher.
   *
   * @param binding the service and its implementation
   * @param allocator the parent of every call's allocator
   * @param serverId the id stamped on log and error batches
   */
  public Dispatcher(ServiceBinding binding, BufferAllocator allocator, String serverId) {
    this(binding, allocator, serverId, null);
  }

  /**
   * Creates the dispatcher with a listener for completed calls.
   *
   * @param binding the service and its implementation
   * @param allocator the parent of every call's allocator
   * @param serverId the id stamped on log and error batches
   * @param listener receives a record of every completed call, or null
   */
  public Dispatcher(ServiceBinding binding, BufferAllocator allocator, String serverId, CallListener listener) {
    this.binding = binding;
    this.allocator = allocator;
    this.serverId = serverId;
    this.listener = listener;
    this.describeResponse = Describe.response(binding.spec(), serverId, allocator);
    this.protocolHash = Describe.hash(binding.spec().protocolName(), Describe.rows(binding.spec()));
  }

  /** The protocol hash published by describe. */
  public String protocolHash() {
    return protocolHash;
  }

  /** The listener of completed calls, if any. */
  public Optional<CallListener> listener() {
    return Optional.ofNullable(listener);
  }

  /** A fresh random server id: 12 lowercase hex digits, as the reference mints them. */
  public static String newServerId() {
    return randomHex(6);
  }

  /**
   * A fresh request id: 16 lowercase hex digits. Request ids label logs and errors and need not be
   * unguessable, so they come from the thread's fast generator rather than the secure one (which
   * serialises every call on one lock).
   */
  static String newRequestId() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  /** A fresh stream id: 32 lowercase hex digits. */
  static String newStreamId() {
    return randomHex(16);
  }

  private static String randomHex(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return HexFormat.of().formatHex(raw);
  }

  /** The bound service. */
  public ServiceBinding binding() {
    return binding;
  }

  /** The service's spec. */
  public ServiceSpec spec() {
    return binding.spec();
  }

  /** The allocator calls draw from. */
  public BufferAllocator allocator() {
    return allocator;
  }

  /** The server id. */
  public String serverId() {
    return serverId;
  }

  /**
   * Reports a completed call to the listener, if there is one. A listener that fails is logged, never
   * passed on to the call.
   *
   * @param report what the transport knows about the call, including the protocol it addressed
   */
  void report(CallReport report) {
    if (listener == null) {
      return;
    }
    try {
      listener.onCall(report.toRecord(serverId));
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(Dispatcher.class).warn("call listener failed", e);
    }
  }

  /**
   * Invokes a prepared call's method with the call as the thread's current context. An interrupt the
   * method leaves pending is cleared, so it cannot close the connection under the next write.
   */
  Object invoke(PreparedCall call) throws Throwable {
    Invoker invoker = binding.invoker(call.spec().name());
    CurrentCall.set(call.context());
    try {
      return invoker.invoke(call.args(), call.context());
    } finally {
      CurrentCall.set(null);
      Thread.interrupted();
    }
  }

  /** Runs one stream turn with the call as the thread's current context (see {@link #invoke}). */
  StreamDriver.Turn runTurn(StreamDriver driver, IpcStreamReader input, ServerCall context,
      BufferAllocator memory) throws Exception {
    CurrentCall.set(context);
    try {
      return driver.turn(input, context, memory);
    } finally {
      CurrentCall.set(null);
      Thread.interrupted();
    }
  }

  /** Writes a log batch (zero rows on the stream's schema) for a call. */
  void writeLog(IpcStreamWriter writer, Schema schema, LogMessage message, String requestId,
      BufferAllocator memory) throws IOException {
    writeEmpty(writer, schema, LogBatches.log(message, serverId, requestId), memory);
  }

  /** Writes an error batch (zero rows on the stream's schema) for a call. */
  void writeError(IpcStreamWriter writer, Schema schema, Throwable error, String requestId,
      BufferAllocator memory) throws IOException {
    writeEmpty(writer, schema, LogBatches.error(error, serverId, requestId), memory);
  }

  /** Writes a zero-row batch carrying only metadata. */
  static void writeEmpty(IpcStreamWriter writer, Schema schema, Map<String, String> metadata,
      BufferAllocator memory) throws IOException {
    try (Batch batch = EmptyBatch.of(schema, memory)) {
      writer.write(batch, metadata);
    }
  }

  byte[] describeResponse() {
    return describeResponse;
  }
}
