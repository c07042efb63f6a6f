package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.spi.RequestEngine;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcBytes;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.LogBatches;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Runs one producer stream for a DoGet: the engine's init, then one turn after another (their state
 * sealed in tokens that never leave the server), each turn's output batch forwarded to the Flight
 * listener with the turn's logs (and, on the first batch, the stream header) in the FlightData's app
 * metadata. A batch is sent only when the listener is ready (gRPC flow control), and the next turn
 * runs while the previous batch drains, so the producer is at most one turn ahead of what was sent
 * and a slow client holds it back; a client cancel stops the loop and tells the method (the engine's
 * cancel turn).
 */
final class ProducerPump {
  /** App metadata key: the logs emitted since the previous message. */
  static final String LOGS = "logs";
  /** App metadata key: the stream header, a base64 one-batch Arrow IPC stream (first message only). */
  static final String HEADER = "header";
  /** App metadata key: the output batch's own custom metadata. */
  static final String METADATA = "metadata";
  /** The first pause while the listener is not ready. */
  static final long FIRST_PAUSE_NANOS = 20_000;
  /** The longest pause while the listener is not ready (it bounds how late a cancel is seen, too). */
  static final long LONGEST_PAUSE_NANOS = 1_000_000;

  private final RequestEngine engine;
  private final FlightCatalog.Entry entry;
  private final ServerStreamListener listener;
  private final BufferAllocator allocator;
  private final RequestEngine.Caller caller;
  private final BooleanSupplier stopping;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  /** The thread running {@link #run}, woken by the listener's handlers. */
  private volatile Thread pumpThread;
  /** The engine's answers, one turn at a time (it keeps its capacity: no regrowth per turn). */
  private final TurnBuffer answer = new TurnBuffer();
  /** The last turn's output, held until the listener is ready for it. */
  private final List<Pending> pending = new ArrayList<>();

  private final List<LogMessage> logs = new ArrayList<>();
  private Optional<String> header = Optional.empty();
  private Optional<Schema> outputSchema = Optional.empty();
  private VectorSchemaRoot root;
  private String cursor;
  private String callToken;

  ProducerPump(RequestEngine engine, FlightCatalog.Entry entry, ServerStreamListener listener,
      BufferAllocator allocator, RequestEngine.Caller caller, BooleanSupplier stopping) {
    this.engine = engine;
    this.entry = entry;
    this.listener = listener;
    this.allocator = allocator;
    this.caller = caller;
    this.stopping = stopping;
  }

  /**
   * Runs the stream to its end, its error, or the client's cancel.
   *
   * @param request the request stream that opens it
   */
  void run(byte[] request) {
    pumpThread = Thread.currentThread();
    listener.setOnCancelHandler(() -> {
      cancelled.set(true);
      wake();
    });
    listener.setOnReadyHandler(this::wake);
    try {
      boolean more = turn(RequestEngine.Route.INIT, request);
      sendPending();
      while (more) {
        // the next turn runs while the previous batch drains; it is sent once the listener is ready
        more = turn(RequestEngine.Route.EXCHANGE, tick(false));
        if (!awaitReady()) {
          closePending();
          if (more) {
            cancelTurn();
          }
          if (!cancelled.get()) {
            listener.error(CallStatus.CANCELLED.withDescription("the server is shutting down").toRuntimeException());
          }
          return;
        }
        sendPending();
      }
      startIfNeeded(outputSchema.orElse(entry.flightSchema()));
      if (!logs.isEmpty() || header.isPresent()) {
        listener.putMetadata(appMetadata(Map.of()).orElseThrow()); // the listener takes ownership
      }
      listener.completed();
    } catch (FlightRuntimeException e) {
      tellMethodIfGone();
      listener.error(e);
    } catch (IOException | RuntimeException e) {
      tellMethodIfGone();
      listener.error(CallStatus.INTERNAL.withDescription("the stream failed: " + e).withCause(e).toRuntimeException());
    } finally {
      closePending();
      if (root != null) {
        root.close();
      }
    }
  }

  /** Runs one engine turn and holds its output for {@link #sendPending}; {@return whether the stream goes on} */
  private boolean turn(RequestEngine.Route route, byte[] body) throws IOException {
    answer.reset();
    engine.handle(route, entry.protocol(), entry.method().name(), new ByteArrayInputStream(body), answer, caller);
    boolean hasHeader = route == RequestEngine.Route.INIT && entry.method().header().isPresent();
    boolean[] sentinel = new boolean[1];
    RpcException[] failure = new RpcException[1];
    Answers.read(answer.toInputStream(), allocator, new Answers.Visitor() {
      @Override
      public void stream(int index, IpcStreamReader reader) {
        if (!(hasHeader && index == 0)) {
          outputSchema = Optional.of(reader.root().getSchema());
        }
      }

      @Override
      public void data(int index, IpcStreamReader reader) {
        Map<String, String> metadata = reader.metadata();
        if (hasHeader && index == 0) {
          header = Optional.of(Base64.getEncoder().encodeToString(
              IpcBytes.stream(reader.root().getSchema(), Batch.of(reader.root()))));
        } else if (reader.root().getRowCount() == 0 && metadata.containsKey(MetadataKeys.STREAM_STATE)) {
          cursor = metadata.get(MetadataKeys.STREAM_STATE);
          callToken = metadata.getOrDefault(MetadataKeys.CALL_STATE, callToken);
          sentinel[0] = true;
        } else {
          hold(reader);
        }
      }

      @Override
      public void log(LogMessage message) {
        logs.add(message);
      }

      @Override
      public void error(RpcException error) {
        if (failure[0] == null) {
          failure[0] = error;
        }
      }
    });
    if (failure[0] != null) {
      sendPending(); // what the turn emitted before its error goes first, as it came
      throw FlightErrors.of(failure[0], List.copyOf(logs));
    }
    if (route == RequestEngine.Route.INIT && sentinel[0] && root == null && pending.isEmpty()) {
      // a producer's init runs its first turn; a stream that opens without output waits for input
      cancelTurn();
      throw CallStatus.INVALID_ARGUMENT.withDescription("'" + entry.actionType()
          + "' opened as an exchange stream, which DoGet cannot feed").toRuntimeException();
    }
    if (!sentinel[0]) {
      cursor = null; // the producer finished: nothing left to cancel
    }
    return sentinel[0];
  }

  /** After a failure to forward: when the client went away while the stream was open, the method hears the cancel. */
  private void tellMethodIfGone() {
    if (cursor != null && (cancelled.get() || listener.isCancelled())) {
      try {
        cancelTurn();
      } catch (IOException | RuntimeException ignored) {
        // the stream is over either way; the method's cancel hook is best effort here
      }
    }
  }

  /** Tells the method the stream is cancelled (the engine's cancel turn; its answer is an empty stream). */
  private void cancelTurn() throws IOException {
    engine.handle(RequestEngine.Route.EXCHANGE, entry.protocol(), entry.method().name(),
        new ByteArrayInputStream(tick(true)), java.io.OutputStream.nullOutputStream(), caller);
  }

  /** A turn's output batch, decoded and held until the listener takes it. */
  private record Pending(Schema schema, ArrowRecordBatch batch, Map<String, String> metadata) {}

  /** Keeps a turn's output batch (its buffers outlive the reader) until {@link #sendPending}. */
  private void hold(IpcStreamReader reader) {
    Map<String, String> own = new LinkedHashMap<>(reader.metadata());
    own.remove(MetadataKeys.STREAM_STATE);
    own.remove(MetadataKeys.CALL_STATE);
    pending.add(new Pending(reader.root().getSchema(), new VectorUnloader(reader.root()).getRecordBatch(), own));
  }

  /** Sends the held batches, each with what has gathered for its app metadata. */
  private void sendPending() {
    try {
      while (!pending.isEmpty()) {
        Pending next = pending.remove(0);
        try (ArrowRecordBatch batch = next.batch()) {
          startIfNeeded(next.schema());
          new VectorLoader(root).load(batch);
        }
        Optional<ArrowBuf> metadata = appMetadata(next.metadata());
        if (metadata.isPresent()) {
          listener.putNext(metadata.get()); // the listener takes ownership of the buffer
        } else {
          listener.putNext();
        }
      }
    } finally {
      closePending();
    }
  }

  /** Releases held batches that will not be sent. */
  private void closePending() {
    pending.forEach(p -> p.batch().close());
    pending.clear();
  }

  private void startIfNeeded(Schema schema) {
    if (root == null) {
      if (schema.getFields().stream().anyMatch(ProducerPump::hasDictionary)) {
        throw CallStatus.UNIMPLEMENTED.withDescription("'" + entry.actionType()
            + "' streams dictionary-encoded columns, which DoGet does not serve yet").toRuntimeException();
      }
      root = VectorSchemaRoot.create(schema, allocator);
      listener.start(root);
    }
  }

  private static boolean hasDictionary(org.apache.arrow.vector.types.pojo.Field field) {
    return field.getDictionary() != null || field.getChildren().stream().anyMatch(ProducerPump::hasDictionary);
  }

  /** The app metadata of the next message, if anything gathered; the pending logs and header are consumed. */
  private Optional<ArrowBuf> appMetadata(Map<String, String> batchMetadata) {
    if (logs.isEmpty() && header.isEmpty() && batchMetadata.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    if (header.isPresent()) {
      doc.put(HEADER, header.get());
      header = Optional.empty();
    }
    if (!logs.isEmpty()) {
      doc.put(LOGS, FlightErrors.logsJson(logs));
      logs.clear();
    }
    if (!batchMetadata.isEmpty()) {
      doc.put(METADATA, new LinkedHashMap<String, Object>(batchMetadata));
    }
    byte[] bytes = FlightJson.write(doc).getBytes(StandardCharsets.UTF_8);
    ArrowBuf buf = allocator.buffer(bytes.length);
    buf.setBytes(0, bytes);
    buf.writerIndex(bytes.length);
    return Optional.of(buf);
  }

  /** A zero-row batch on the empty schema carrying the tokens: the next turn, or the cancel. */
  private byte[] tick(boolean cancel) throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.STREAM_STATE, cursor);
    if (cancel) {
      metadata.put(MetadataKeys.CANCEL, "1");
    }
    metadata.put(MetadataKeys.CALL_STATE, callToken);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (VectorSchemaRoot empty = VectorSchemaRoot.create(FlightCatalog.EMPTY, allocator);
        IpcStreamWriter writer = IpcStreamWriter.start(body, FlightCatalog.EMPTY)) {
      writer.write(empty, metadata);
    }
    return body.toByteArray();
  }

  /**
   * Waits until the listener takes another message; {@return false when the client cancelled or the
   * server stops}. Flight runs {@code getStream} inside the call's gRPC callback, so the call's
   * on-ready and on-cancel callbacks queue behind this loop until it returns: readiness and cancel
   * are polled, backing off from {@link #FIRST_PAUSE_NANOS} to {@link #LONGEST_PAUSE_NANOS}, and a
   * handler that does fire (where a listener calls it from elsewhere) cuts the pause short.
   */
  private boolean awaitReady() {
    long pause = FIRST_PAUSE_NANOS;
    while (!listener.isReady() && !cancelled.get() && !listener.isCancelled() && !stopping.getAsBoolean()) {
      LockSupport.parkNanos(this, pause);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        return false;
      }
      pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
    }
    if (listener.isCancelled()) {
      cancelled.set(true);
    }
    return !cancelled.get() && !stopping.getAsBoolean();
  }

  private void wake() {
    Thread pump = pumpThread;
    if (pump != null) {
      LockSupport.unpark(pump);
    }
  }
}
