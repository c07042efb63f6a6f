package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.spi.RequestEngine;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcBytes;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One exchange stream driven turn by turn through the engine's request/response seam, for the Flight
 * verbs that feed it batches (natural DoExchange, DoPut): the engine's init opens it, then each input
 * batch is one turn, sent as a one-batch IPC stream carrying the stream's tokens (exactly as HTTP
 * turns are built); the tokens never leave the server. Logs and the stream header are gathered for the
 * caller to forward; a method's error is raised as its Flight status. Not thread-safe: one call's
 * thread drives it.
 */
final class ExchangeTurns {
  /**
   * A log message the method emitted, with its log batch's custom metadata.
   *
   * @param message the message
   * @param metadata the log batch's metadata (the vgi-rpc log keys)
   */
  record Logged(LogMessage message, Map<String, String> metadata) {}

  /** Receives a turn's output batch. */
  @FunctionalInterface
  interface Output {
    /**
     * The turn's output batch (valid only during the call).
     *
     * @param batch the rows
     * @param metadata the batch's own custom metadata (the tokens removed)
     * @throws IOException when forwarding fails
     */
    void batch(VectorSchemaRoot batch, Map<String, String> metadata) throws IOException;
  }

  private final RequestEngine engine;
  private final FlightCatalog.Entry entry;
  private final BufferAllocator allocator;
  private final RequestEngine.Caller caller;
  private final List<Logged> logs = new ArrayList<>();
  private Optional<byte[]> header = Optional.empty();
  private Schema outputSchema;
  private String cursor;
  private String callToken;
  /** The turn's request and the engine's answer, reused turn after turn. */
  private final TurnBuffer turnRequest = new TurnBuffer();
  private final TurnBuffer turnAnswer = new TurnBuffer();

  /**
   * @param engine the engine
   * @param entry the exchange method
   * @param allocator where answers are read (released turn by turn)
   * @param caller who calls, for every turn
   */
  ExchangeTurns(RequestEngine engine, FlightCatalog.Entry entry, BufferAllocator allocator, RequestEngine.Caller caller) {
    this.engine = engine;
    this.entry = entry;
    this.allocator = allocator;
    this.caller = caller;
  }

  /**
   * Opens the stream (the engine's init). A stream that opens as a producer is cancelled and refused.
   *
   * @param request the request stream
   * @return the stream's output schema
   * @throws IOException when the engine's answer cannot be read
   * @throws org.apache.arrow.flight.FlightRuntimeException the method's error, or {@code INVALID_ARGUMENT} for a producer
   */
  Schema open(byte[] request) throws IOException {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    engine.handle(RequestEngine.Route.INIT, entry.protocol(), entry.method().name(),
        new ByteArrayInputStream(request), answer, caller);
    List<Schema> schemas = new ArrayList<>();
    List<byte[]> firstData = new ArrayList<>();
    boolean[] produced = new boolean[1];
    RpcException[] failure = new RpcException[1];
    Answers.read(answer.toByteArray(), allocator, new Answers.Visitor() {
      @Override
      public void stream(int index, IpcStreamReader reader) {
        schemas.add(reader.root().getSchema());
        produced[0] = false;
      }

      @Override
      public void data(int index, IpcStreamReader reader) {
        Map<String, String> metadata = reader.metadata();
        if (reader.root().getRowCount() == 0 && metadata.containsKey(MetadataKeys.STREAM_STATE)) {
          cursor = metadata.get(MetadataKeys.STREAM_STATE);
          callToken = metadata.getOrDefault(MetadataKeys.CALL_STATE, callToken);
          return;
        }
        if (index == 0 && firstData.isEmpty()) {
          firstData.add(IpcBytes.stream(reader.root().getSchema(), Batch.of(reader.root())));
        }
        produced[0] = true;
      }

      @Override
      public void log(LogMessage message) {
        throw new AssertionError("log batches arrive with their metadata");
      }

      @Override
      public void log(LogMessage message, Map<String, String> metadata) {
        logs.add(new Logged(message, Map.copyOf(metadata)));
      }

      @Override
      public void error(RpcException error) {
        if (failure[0] == null) {
          failure[0] = error;
        }
      }
    });
    if (failure[0] != null) {
      cursor = null;
      throw FlightErrors.of(failure[0], messages());
    }
    if (schemas.isEmpty()) {
      throw CallStatus.INTERNAL.withDescription("the engine answered '" + entry.actionType() + "' with nothing")
          .toRuntimeException();
    }
    if (produced[0] || cursor == null) {
      // an exchange opens with no output and a continuation; anything else is a producer
      cancel();
      throw CallStatus.INVALID_ARGUMENT.withDescription("'" + entry.actionType()
          + "' opened as a producer stream: read it with DoGet").toRuntimeException();
    }
    if (schemas.size() > 1 && !firstData.isEmpty()) {
      header = Optional.of(firstData.get(0));
    }
    outputSchema = schemas.get(schemas.size() - 1);
    return outputSchema;
  }

  /** {@return the output schema, once open} */
  Schema outputSchema() {
    return outputSchema;
  }

  /** {@return whether the stream is open: opened, not finished, failed or cancelled} */
  boolean isOpen() {
    return cursor != null;
  }

  /**
   * Runs one turn.
   *
   * @param input the input batch
   * @param metadata the input batch's own custom metadata
   * @param output receives the turn's output batch (none when the stream finished)
   * @return whether the stream goes on
   * @throws IOException when the answer cannot be read or forwarding fails
   * @throws org.apache.arrow.flight.FlightRuntimeException the method's error (the stream is then over)
   */
  boolean turn(VectorSchemaRoot input, Map<String, String> metadata, Output output) throws IOException {
    if (cursor == null) {
      throw new IllegalStateException("the stream is not open");
    }
    turnRequest.reset();
    try (IpcStreamWriter writer = IpcStreamWriter.start(turnRequest, input.getSchema())) {
      writer.write(input, tokens(metadata, false));
    }
    turnAnswer.reset();
    engine.handle(RequestEngine.Route.EXCHANGE, entry.protocol(), entry.method().name(),
        turnRequest.toInputStream(), turnAnswer, caller);
    String previous = cursor;
    cursor = null;
    boolean[] seen = new boolean[1];
    String[] next = new String[1];
    RpcException[] failure = new RpcException[1];
    Answers.Visitor visitor = new Answers.Visitor() {
      @Override
      public void data(int index, IpcStreamReader reader) throws IOException {
        Map<String, String> own = reader.metadata();
        if (!seen[0]) {
          seen[0] = true;
          next[0] = own.get(MetadataKeys.STREAM_STATE);
          if (failure[0] == null) {
            output.batch(reader.root(), MetadataKeys.withoutTokens(own));
          }
        } else if (reader.root().getRowCount() == 0 && own.containsKey(MetadataKeys.STREAM_STATE)) {
          next[0] = own.get(MetadataKeys.STREAM_STATE);
        }
      }

      @Override
      public void log(LogMessage message) {
        throw new AssertionError("log batches arrive with their metadata");
      }

      @Override
      public void log(LogMessage message, Map<String, String> batchMetadata) {
        logs.add(new Logged(message, Map.copyOf(batchMetadata)));
      }

      @Override
      public void error(RpcException error) {
        if (failure[0] == null) {
          failure[0] = error;
        }
      }
    };
    try {
      Answers.read(turnAnswer.toInputStream(), allocator, visitor);
    } catch (IOException | RuntimeException e) {
      // forwarding failed (the client went away): keep a cursor so the method can hear the cancel
      cursor = next[0] != null ? next[0] : previous;
      throw e;
    }
    if (failure[0] != null) {
      throw FlightErrors.of(failure[0], messages());
    }
    if (seen[0] && next[0] == null) {
      // an answer with output always refreshes the cursor; keep the last one rather than lose the stream
      next[0] = previous;
    }
    cursor = seen[0] ? next[0] : null;
    return cursor != null;
  }

  /**
   * Tells the method the stream is cancelled (the engine's cancel turn), when it is open; best effort.
   * The stream is over afterwards.
   */
  void cancel() {
    if (cursor == null) {
      return;
    }
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      try (VectorSchemaRoot empty = VectorSchemaRoot.create(FlightCatalog.EMPTY, allocator);
          IpcStreamWriter writer = IpcStreamWriter.start(body, FlightCatalog.EMPTY)) {
        writer.write(empty, tokens(Map.of(), true));
      }
      engine.handle(RequestEngine.Route.EXCHANGE, entry.protocol(), entry.method().name(),
          new ByteArrayInputStream(body.toByteArray()), OutputStream.nullOutputStream(), caller);
    } catch (IOException | RuntimeException ignored) {
      // the stream is over either way; the method's cancel hook is best effort
    } finally {
      cursor = null;
    }
  }

  /** {@return the stream header as a one-batch Arrow IPC stream, once (empty afterwards or without one)} */
  Optional<byte[]> takeHeader() {
    Optional<byte[]> taken = header;
    header = Optional.empty();
    return taken;
  }

  /** {@return the log messages gathered since the last take} */
  List<Logged> takeLogs() {
    List<Logged> taken = List.copyOf(logs);
    logs.clear();
    return taken;
  }

  /** {@return the messages of the logs gathered so far, not taking them} */
  private List<LogMessage> messages() {
    return logs.stream().map(Logged::message).toList();
  }

  private Map<String, String> tokens(Map<String, String> own, boolean cancel) {
    return MetadataKeys.withTokens(own, cursor, Optional.ofNullable(callToken), cancel);
  }

  /**
   * The custom metadata of an input batch, from its Flight message's app metadata: the {@code
   * "metadata"} member (string values) of a JSON object, the shape the server's own messages use. App
   * metadata that is not such an object carries none; the stream's token keys are never taken from it.
   *
   * @param appMetadata the message's app metadata, or null
   * @return the batch's metadata
   * @throws org.apache.arrow.flight.FlightRuntimeException {@code INVALID_ARGUMENT} for a value that is not a string
   */
  static Map<String, String> inputMetadata(org.apache.arrow.memory.ArrowBuf appMetadata) {
    if (appMetadata == null || appMetadata.readableBytes() == 0) {
      return Map.of();
    }
    byte[] bytes = new byte[(int) appMetadata.readableBytes()];
    appMetadata.getBytes(appMetadata.readerIndex(), bytes);
    Object doc;
    try {
      doc = dev.arrowrpc.core.wire.Json.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    } catch (RuntimeException notJson) {
      return Map.of();
    }
    if (!(doc instanceof Map<?, ?> object) || !(object.get(ProducerPump.METADATA) instanceof Map<?, ?> members)) {
      return Map.of();
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<?, ?> member : members.entrySet()) {
      if (!(member.getValue() instanceof String value)) {
        throw CallStatus.INVALID_ARGUMENT.withDescription("app metadata \"metadata\" member '" + member.getKey()
            + "' is not a string").toRuntimeException();
      }
      metadata.put(String.valueOf(member.getKey()), value);
    }
    metadata.remove(MetadataKeys.STREAM_STATE);
    metadata.remove(MetadataKeys.CALL_STATE);
    metadata.remove(MetadataKeys.CANCEL);
    return metadata;
  }

  /**
   * Refuses dictionary-encoded columns (Flight's decoded batches do not carry them to the engine here).
   *
   * @param schema the schema
   * @param what what the schema is, for the message
   * @throws org.apache.arrow.flight.FlightRuntimeException {@code UNIMPLEMENTED}
   */
  static void requireNoDictionary(Schema schema, String what) {
    if (schema.getFields().stream().anyMatch(ExchangeTurns::hasDictionary)) {
      throw CallStatus.UNIMPLEMENTED.withDescription(what + " has dictionary-encoded columns, which are not "
          + "served over this Flight verb yet").toRuntimeException();
    }
  }

  private static boolean hasDictionary(Field field) {
    return field.getDictionary() != null || field.getChildren().stream().anyMatch(ExchangeTurns::hasDictionary);
  }
}
