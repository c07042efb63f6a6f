package dev.arrowrpc.core.server;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RequestShape;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.external.ExternalAnswer;
import dev.arrowrpc.core.external.ExternalRef;
import dev.arrowrpc.core.schema.ArrowValues;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.RecordSchema;
import dev.arrowrpc.core.schema.RowLayout;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.shm.ShmConnection;
import dev.arrowrpc.core.wire.DirectBatch;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.LogBatches;
import dev.arrowrpc.core.wire.MarshalException;
import dev.arrowrpc.core.wire.WireFormatException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs calls, the same way for every transport: prepares a request, answers a unary call, opens a
 * stream (its method runs, its header is sent), runs one stream turn, cancels a stream. A transport
 * feeds it requests and input batches read from its {@link IpcStreamReader message source} and gives
 * it a {@link MessageSink} for the answer; what happens between turns (a long conversation on a byte
 * channel, or state tokens between HTTP requests) is the transport's.
 *
 * <p>Memory: an input batch is borrowed from its source until the source reads the next one; a batch
 * written to a sink is the sink's to release (the engine closes what it encoded once written). Every
 * path releases what the call decoded and encoded before it returns.
 */
final class CallEngine {
  private static final Logger LOG = LoggerFactory.getLogger(CallEngine.class);

  private final ServerState server;
  /** The route of the last request prepared here (see {@link RequestParser.Routes}). */
  private final RequestParser.Routes routes = new RequestParser.Routes();

  CallEngine(ServerState server) {
    this.server = server;
  }

  /** Where the engine writes an answer: one IPC stream per schema, in the order opened. */
  @FunctionalInterface
  interface MessageSink {
    /**
     * Opens the next answer stream; closing the writer ends it.
     *
     * @param schema the stream's schema
     * @return the stream's writer
     * @throws IOException when the transport fails
     */
    IpcStreamWriter open(Schema schema) throws IOException;
  }

  /**
   * A request read and prepared.
   *
   * @param prepared the call, the handshake, or the failure to answer with
   * @param metadata the request batch's metadata as routed (empty when it had no batch)
   * @param shape the request batch's shape, when a listener will record it
   */
  record Request(RequestParser.Prepared prepared, Map<String, String> metadata, Optional<RequestShape> shape) {}

  /**
   * Prepares the call a request stream carries: resolves a pointer batch, validates and decodes the
   * parameters, then reads the rest of the stream (a request holds exactly one batch).
   *
   * @param reader the request stream, positioned on its first batch when {@code hasBatch}
   * @param hasBatch whether the stream had a batch
   * @param routed the metadata as the transport routes it (HTTP supplies the path's protocol)
   * @param identity who is calling
   * @param requestId the request id
   * @param kind the transport kind the call's context reports
   * @param remoteAddress the peer's address the call's context reports (empty: none)
   * @param memory the call's memory
   * @throws IOException when the rest of the stream cannot be read
   */
  Request prepare(IpcStreamReader reader, boolean hasBatch, UnaryOperator<Map<String, String>> routed,
      Identity identity, String requestId, Optional<TransportKind> kind, String remoteAddress, BufferAllocator memory)
      throws IOException {
    boolean recorded = server.listener().isPresent();
    Optional<RequestShape> shape = Optional.empty();
    Map<String, String> metadata = hasBatch ? routed.apply(reader.metadata()) : Map.of();
    RequestParser.Prepared prepared;
    Optional<IpcStreamReader> resolved = Optional.empty();
    try {
      resolved = hasBatch ? InboundPointers.resolve(server, reader, memory) : Optional.empty();
      IpcStreamReader request = resolved.orElse(reader);
      if (hasBatch && recorded) {
        shape = Optional.of(RequestShape.of(request.schema(), request.rowCount()));
      }
      Map<String, String> parsed = resolved.isPresent() ? routed.apply(request.metadata()) : metadata;
      prepared = RequestParser.parse(server, request, hasBatch, parsed, requestId, memory, identity, kind,
          remoteAddress, routes);
    } catch (RpcException unresolved) {
      // the pointer named an object that could not be had: the call fails as a method error would
      prepared = RequestParser.Failure.methodError(unresolved);
    } finally {
      resolved.ifPresent(IpcStreamReader::close);
    }
    int extra = 0;
    while (reader.next()) {
      extra++;
    }
    return new Request(RequestParser.requireSingleBatch(prepared, extra), metadata, shape);
  }

  /**
   * Answers a unary call with one stream on the result schema: the method's logs, then its result
   * or its error.
   *
   * @return the call's failure, if it failed
   */
  Optional<Throwable> unary(PreparedCall call, MessageSink sink, BufferAllocator memory) throws IOException {
    MethodSpec spec = call.spec();
    RowLayout result = spec.result();
    String requestId = call.context().requestId();
    try (IpcStreamWriter writer = sink.open(result.schema())) {
      call.context().attach(new LogTo(this, writer, result.schema(), requestId, memory));
      Object value;
      Optional<ExternalRef> answeredByRef;
      try {
        value = invoke(call);
        answeredByRef = ExternalAnswer.take();
      } catch (Throwable error) {
        call.close();
        return failed(call.context(), error, writer, result.schema(), memory);
      }
      if (answeredByRef.isEmpty() && result.columns().isEmpty()) {
        // a void method: the answer is an empty batch, the same message every call
        call.close();
        ArrowValues.closeRoots(value);
        writer.append(DirectBatch.take(0), Map.of()); // flushed with the end-of-stream marker
        return Optional.empty();
      }
      if (answeredByRef.isEmpty() && result.lane().isPresent() && server.external().storage().isEmpty()
          && !ShmConnection.answersHere()) {
        // the small-batch lane: the result row straight into its record batch, no vectors
        DirectBatch direct;
        try {
          direct = result.lane().get().encodeSingle(value);
        } catch (RuntimeException | Error error) {
          return failed(call.context(), resultFailure(spec, error), writer, result.schema(), memory);
        } finally {
          call.close();
          ArrowValues.closeRoots(value);
        }
        writer.append(direct, Map.of()); // flushed with the end-of-stream marker
        return Optional.empty();
      }
      Externalizer external = new Externalizer(server.external(), spec.name());
      if (answeredByRef.isPresent()) {
        call.close();
        ArrowValues.closeRoots(value);
        external.writeRef(writer, answeredByRef.get(), memory);
        return Optional.empty();
      }
      Batch batch;
      try {
        batch = result.columns().isEmpty()
            ? result.encode(0, (r, c) -> null, memory)
            : result.encode(1, (r, c) -> value, memory);
      } catch (RuntimeException | Error error) {
        return failed(call.context(), resultFailure(spec, error), writer, result.schema(), memory);
      } finally {
        // release Arrow values before answering, so the client never sees memory still held
        call.close();
        ArrowValues.closeRoots(value);
      }
      try (batch) {
        external.write(writer, batch, Map.of(), memory, false); // flushed with the end-of-stream marker
      } catch (RpcException error) {
        return failed(call.context(), error, writer, result.schema(), memory);
      }
      return Optional.empty();
    } finally {
      call.context().attach(null);
    }
  }

  /**
   * Where a call's log messages go while its answer stream is open: onto that stream, as zero-row
   * batches (a named class, made per call, rather than a lambda linked per call).
   */
  private static final class LogTo implements ServerCall.LogSink {
    private final CallEngine engine;
    private final IpcStreamWriter writer;
    private final Schema schema;
    private final String requestId;
    private final BufferAllocator memory;

    LogTo(CallEngine engine, IpcStreamWriter writer, Schema schema, String requestId, BufferAllocator memory) {
      this.engine = engine;
      this.writer = writer;
      this.schema = schema;
      this.requestId = requestId;
      this.memory = memory;
    }

    @Override
    public void log(LogMessage message) throws IOException {
      engine.writeLog(writer, schema, message, requestId, memory);
    }
  }

  /** What a failure to encode a unary result is answered with: a value that cannot be written is a TypeError. */
  private static Throwable resultFailure(MethodSpec spec, Throwable error) {
    return error instanceof MarshalException
        ? new RpcException("TypeError", "result of '" + spec.name() + "': " + error.getMessage()) : error;
  }

  /**
   * A stream whose method ran: its driver, or the failure already answered.
   *
   * @param driver the stream's driver, when it opened
   * @param failure why it did not, when it did not
   * @param methodFailed whether the method itself failed (answered on the empty schema), rather than
   *     its header
   */
  record Opened(Optional<StreamDriver> driver, Optional<Throwable> failure, boolean methodFailed) {}

  /**
   * Opens a stream: runs its method, then answers with the header stream when the method declares
   * one. When the method fails, the answer is one stream on the empty schema with the logs the method
   * wrote and its error.
   */
  Opened open(PreparedCall call, MessageSink sink, BufferAllocator memory) throws IOException {
    MethodSpec spec = call.spec();
    ServerCall context = call.context();
    String requestId = context.requestId();
    StreamDriver driver;
    try {
      driver = StreamDriver.of(spec, invoke(call));
    } catch (Throwable error) {
      MethodErrors.log(context, server.serverId(), error);
      try (IpcStreamWriter writer = sink.open(MethodSpec.EMPTY_SCHEMA)) {
        for (LogMessage message : context.takePending()) {
          writeLog(writer, MethodSpec.EMPTY_SCHEMA, message, requestId, memory);
        }
        writeError(writer, MethodSpec.EMPTY_SCHEMA, error, requestId, memory);
      }
      return new Opened(Optional.empty(), Optional.of(error), true);
    }
    if (spec.header().isPresent()) {
      RecordSchema header = spec.header().get();
      try (IpcStreamWriter writer = sink.open(header.schema())) {
        context.attach(message -> writeLog(writer, header.schema(), message, requestId, memory));
        try (Batch batch = header.encode(List.of(driver.header().orElseThrow()), memory)) {
          Externalizer.forHeader(server.external(), spec.name()).write(writer, batch, Map.of(), memory, true);
        } catch (RuntimeException | Error error) {
          return new Opened(Optional.empty(), failed(context, error, writer, header.schema(), memory), false);
        }
      } finally {
        context.attach(null);
      }
    }
    return new Opened(Optional.of(driver), Optional.empty(), false);
  }

  /** What a transport adds to a turn's output: a refreshed state token, for example. */
  interface TurnSeal {
    /** Nothing added. */
    TurnSeal NONE = new TurnSeal() {};

    /**
     * The metadata of the batch a turn produced, before it is written (the state is the turn's
     * outcome by then).
     *
     * @param metadata the metadata the method gave the batch
     * @return the metadata to write
     */
    default Map<String, String> batchMetadata(Map<String, String> metadata) {
      return metadata;
    }

    /**
     * Writes what follows a produced batch in the same stream.
     *
     * @param writer the output stream
     */
    default void afterBatch(IpcStreamWriter writer) throws IOException {}
  }

  /** How a turn ended. */
  sealed interface TurnEnd {
    /** The method produced a batch, now written. */
    record Produced() implements TurnEnd {}

    /** The producer finished: nothing was written. */
    record Finished() implements TurnEnd {}

    /**
     * The method (or writing its batch) failed; the error is written.
     *
     * @param error the failure
     * @param malformedInput whether the input batch's content was not valid Arrow IPC (answered
     *     with a {@code ProtocolError})
     */
    record Failed(Throwable error, boolean malformedInput) implements TurnEnd {}
  }

  /**
   * Runs one turn on an input batch (a tick for a producer) and writes its output to the stream's
   * output writer: the batch, or the error.
   *
   * @param input the input, positioned on the turn's batch (a pointer batch already resolved)
   * @param seal what the transport adds to the output
   * @throws IOException when writing fails
   */
  TurnEnd turn(StreamDriver driver, IpcStreamReader input, IpcStreamWriter writer, ServerCall context,
      TurnSeal seal, BufferAllocator memory) throws IOException {
    Schema output = driver.outputSchema();
    try {
      StreamDriver.Turn turn = runTurn(driver, input, context, memory);
      if (turn.finished()) {
        return new TurnEnd.Finished();
      }
      try (Batch batch = turn.batch()) {
        Map<String, String> metadata = seal.batchMetadata(turn.metadata());
        new Externalizer(server.external(), context.method()).write(writer, batch, metadata, memory, true);
      }
      seal.afterBatch(writer);
      return new TurnEnd.Produced();
    } catch (WireFormatException e) {
      LOG.debug("{}: malformed stream input", context.method(), e);
      writeError(writer, output, malformedInput(e),
          context.requestId(), memory);
      return new TurnEnd.Failed(e, true);
    } catch (IOException e) {
      throw e;
    } catch (Throwable error) {
      Throwable reported = error instanceof MarshalException ? new RpcException("TypeError", error.getMessage()) : error;
      MethodErrors.log(context, server.serverId(), reported);
      writeError(writer, output, reported, context.requestId(), memory);
      return new TurnEnd.Failed(error, false);
    }
  }

  /**
   * Writes a turn's failure that happened before the method ran (its input could not be resolved,
   * say) to the stream's output.
   */
  void failTurn(Throwable error, Schema output, IpcStreamWriter writer, ServerCall context, BufferAllocator memory)
      throws IOException {
    writeError(writer, output, error, context.requestId(), memory);
  }

  /** The error answering a stream input batch that is not valid Arrow IPC. */
  static RpcException malformedInput(WireFormatException e) {
    return RequestProblem.protocol("invalid Arrow IPC stream input: " + e.getMessage());
  }

  /** Runs a stream's cancel hook; a hook that fails is logged, never answered. */
  void cancel(StreamDriver driver, ServerCall context) {
    try {
      driver.cancel(context);
    } catch (RuntimeException e) {
      LOG.debug("cancel hook of {} failed", context.method(), e);
    }
  }

  /** Answers with an error stream on a schema: the error alone. */
  void writeErrorStream(MessageSink sink, Schema schema, Throwable error, String requestId, BufferAllocator memory)
      throws IOException {
    try (IpcStreamWriter writer = sink.open(schema)) {
      writeError(writer, schema, error, requestId, memory);
    }
  }

  private Optional<Throwable> failed(ServerCall context, Throwable error, IpcStreamWriter writer, Schema schema,
      BufferAllocator memory) throws IOException {
    MethodErrors.log(context, server.serverId(), error);
    writeError(writer, schema, error, context.requestId(), memory);
    return Optional.of(error);
  }


  /**
   * Invokes a prepared call's method with the call as the thread's current context. An interrupt the
   * method leaves pending is cleared, so it cannot close the connection under the next write.
   */
  private Object invoke(PreparedCall call) throws Throwable {
    ExternalAnswer.take(); // nothing left over from a method that answered by reference out of turn
    try (CallContext.Scope scope = CallContext.enter(call.context())) {
      GeneratedInvoker.Call<Object> generated = call.generatedOrNull();
      if (generated != null) {
        return generated.invoke(call.binding().implementation());
      }
      return call.binding().invoker(call.spec().name()).invoke(call.args(), call.context());
    } finally {
      Thread.interrupted();
    }
  }

  /** Runs one stream turn with the call as the thread's current context (see {@link #invoke}). */
  private StreamDriver.Turn runTurn(StreamDriver driver, IpcStreamReader input, ServerCall context,
      BufferAllocator memory) throws Exception {
    try (CallContext.Scope scope = CallContext.enter(context)) {
      return driver.turn(input, context, memory);
    } finally {
      Thread.interrupted();
    }
  }

  /** Writes a log batch (zero rows on the stream's schema) for a call. */
  void writeLog(IpcStreamWriter writer, Schema schema, LogMessage message, String requestId,
      BufferAllocator memory) throws IOException {
    writeEmpty(writer, schema, LogBatches.log(message, server.serverId(), requestId), memory);
  }

  /** Writes an error batch (zero rows on the stream's schema) for a call. */
  void writeError(IpcStreamWriter writer, Schema schema, Throwable error, String requestId,
      BufferAllocator memory) throws IOException {
    writeEmpty(writer, schema, LogBatches.error(error, server.serverId(), requestId, server.tracebacks()), memory);
  }

  /** Writes a zero-row batch carrying only metadata. */
  static void writeEmpty(IpcStreamWriter writer, Schema schema, Map<String, String> metadata,
      BufferAllocator memory) throws IOException {
    try (Batch batch = EmptyBatch.of(schema, memory)) {
      writer.write(batch, metadata);
    }
  }
}
