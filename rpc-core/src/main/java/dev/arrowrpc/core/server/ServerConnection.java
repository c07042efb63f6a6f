package dev.arrowrpc.core.server;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RequestShape;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.auth.ConnectionAuth;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.schema.MethodKind;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.shm.ShmConnection;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import dev.arrowrpc.core.wire.WireFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves calls on one byte channel (a pipe, a socket) until the peer closes it: reads a request
 * stream, answers it, and for streams runs the lockstep exchange of input and output streams. A
 * failing method never ends the connection; only unreadable framing does.
 */
public final class ServerConnection {
  private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

  private final ServerState server;
  private final CallEngine engine;
  private final CallEngine.MessageSink sink;
  private final CapturingInputStream in;
  private final OutputStream out;
  private final String remoteAddress;
  private final Optional<TransportKind> transportKind;
  private final ConnectionAuth auth;

  /**
   * The memory calls on this connection draw from: one child allocator, reused while each call
   * gives back everything it took (checked after every call), replaced after a call that leaks.
   */
  private BufferAllocator callMemory;
  private boolean abandonedInputExpected;
  private Outcome outcome;

  /**
   * Creates a connection handler.
   *
   * @param server the server's shared state
   * @param in requests and stream input
   * @param out responses and stream output
   */
  public ServerConnection(ServerState server, InputStream in, OutputStream out) {
    this(server, in, out, "");
  }

  /**
   * Creates a connection handler for a peer with a known address.
   *
   * @param server the server's shared state
   * @param in requests and stream input
   * @param out responses and stream output
   * @param remoteAddress the peer's address for access records (empty for pipes)
   */
  public ServerConnection(ServerState server, InputStream in, OutputStream out, String remoteAddress) {
    this(server, in, out, remoteAddress, Optional.empty());
  }

  /**
   * Creates a connection handler for a peer with a known address, on a transport of a known kind.
   *
   * @param server the server's shared state
   * @param in requests and stream input
   * @param out responses and stream output
   * @param remoteAddress the peer's address for access records (empty for pipes)
   * @param transportKind what the calls' contexts report as their transport kind
   */
  public ServerConnection(ServerState server, InputStream in, OutputStream out, String remoteAddress,
      Optional<TransportKind> transportKind) {
    this(server, in, out, remoteAddress, transportKind, ConnectionAuth.none());
  }

  /**
   * Creates a connection handler whose requests are authenticated.
   *
   * @param server the server's shared state
   * @param in requests and stream input
   * @param out responses and stream output
   * @param remoteAddress the peer's address for access records (empty for pipes)
   * @param transportKind what the calls' contexts report as their transport kind
   * @param auth decides who sent each request ({@link ConnectionAuth#none()}: everyone is anonymous)
   */
  public ServerConnection(ServerState server, InputStream in, OutputStream out, String remoteAddress,
      Optional<TransportKind> transportKind, ConnectionAuth auth) {
    this.auth = auth;
    this.server = server;
    this.engine = new CallEngine(server);
    this.in = new CapturingInputStream(in);
    this.out = out;
    this.sink = schema -> IpcStreamWriter.start(this.out, schema);
    this.remoteAddress = remoteAddress;
    this.transportKind = transportKind;
  }

  /**
   * Serves calls until the peer closes its side, or sends bytes that are not Arrow IPC (answered
   * with a {@code ProtocolError} before returning).
   *
   * @throws IOException when the channel fails
   */
  public void run() throws IOException {
    server.serveStarted(transportKind.orElse(TransportKind.PIPE)); // a failure ends the connection
    while (serveOne()) {
      // next call
    }
  }

  /**
   * Serves one call.
   *
   * @return false when the connection is over
   * @throws IOException when the channel fails
   */
  public boolean serveOne() throws IOException {
    String requestId = ServerState.newRequestId();
    BufferAllocator memory = callMemory;
    if (memory == null) {
      memory = server.allocator().newChildAllocator("calls", 0, Long.MAX_VALUE);
      callMemory = memory;
    }
    boolean more = false;
    try {
      more = serveOne(requestId, memory);
      return more;
    } finally {
      if (!more || memory.getAllocatedMemory() != 0) {
        // a call that leaves memory behind gets it reported, and the next call a fresh allocator
        callMemory = null;
        closeAllocator(memory, requestId);
      }
    }
  }

  /**
   * Serves one call; the last resort for whatever escapes it. A failure on the channel itself (an
   * {@link IOException} that is not about the bytes' format) propagates; anything else thrown once
   * the call's answer may have started (an Error included) ends the connection cleanly with one log
   * line, since the output can no longer be known to be in step.
   */
  private boolean serveOne(String requestId, BufferAllocator memory) throws IOException {
    try {
      return serveRequest(requestId, memory);
    } catch (WireFormatException e) {
      LOG.warn("request {}: closing the connection, its input is no longer a readable Arrow IPC stream: {}",
          requestId, e.getMessage());
      return false;
    } catch (IOException e) {
      throw e;
    } catch (Throwable e) {
      LOG.error("request {}: unexpected failure while serving a call; closing the connection", requestId, e);
      return false;
    }
  }

  private boolean serveRequest(String requestId, BufferAllocator memory) throws IOException {
    RequestParser.Prepared prepared;
    // when the call began, for its access record: only read when there is a listener to record it
    long started = server.reports() ? System.nanoTime() : 0;
    Map<String, String> requested = Map.of();
    RequestShape shape = null;
    IpcStreamReader reader = null;
    Identity caller = Identity.ANONYMOUS;
    try {
      Optional<IpcStreamReader> opened = IpcStreamReader.openOnThisThread(in, memory, server.wireLimits());
      if (opened.isEmpty()) {
        return false;
      }
      reader = opened.get();
      boolean hasBatch = reader.next();
      Map<String, String> metadata = hasBatch ? reader.metadata() : Map.of();
      requested = metadata;
      if (abandonedInputExpected) {
        abandonedInputExpected = false;
        if (!metadata.containsKey(MetadataKeys.METHOD) && !metadata.containsKey(MetadataKeys.REQUEST_VERSION)) {
          // the input stream a client sent to a stream the server refused (at routing, validation
          // or init): it carries no request keys, so it is not a request; skip it by its framing
          reader.skipRest();
          return true;
        }
      }
      Optional<RpcException> refused = Optional.empty();
      try {
        caller = auth.authenticate(metadata); // before any work for the request, pointers included
      } catch (RpcException e) {
        refused = Optional.of(e);
      }
      if (refused.isPresent()) {
        while (reader.next()) {
          // the rest of a refused request is read by its framing, never decoded
        }
        prepared = new RequestParser.Failure(MethodSpec.EMPTY_SCHEMA, refused.get());
      } else {
        CallEngine.Request request = engine.prepare(reader, hasBatch, ConnectionAuth::withoutCredential, caller,
            requestId, transportKind, remoteAddress, memory);
        prepared = request.prepared();
        shape = request.shape().orElse(null);
        ShmConnection.freeReleasedHere(); // the request's regions, once decoded
      }
    } catch (WireFormatException e) {
      writeErrorStream(MethodSpec.EMPTY_SCHEMA,
          RequestProblem.protocol("invalid Arrow IPC request: " + e.getMessage()), requestId);
      if (!e.framingIntact()) {
        LOG.debug("request {}: broken IPC framing, closing the connection: {}", requestId, e.getMessage());
        return false;
      }
      // the failing message arrived whole: skip the rest of the request by its framing and go on
      return skipRestOfRequest(reader, requestId);
    } catch (RuntimeException | Error e) {
      // an unexpected failure while reading or decoding the request, before any answer was written
      writeErrorStream(MethodSpec.EMPTY_SCHEMA, e, requestId);
      if (reader == null || !reader.atMessageBoundary()) {
        LOG.error("request {}: failed inside a request message; closing the connection", requestId, e);
        return false;
      }
      LOG.error("request {}: failed while decoding the request", requestId, e);
      return skipRestOfRequest(reader, requestId);
    } finally {
      if (reader != null) {
        reader.close();
      }
    }
    if (prepared instanceof RequestParser.Failure failure) {
      writeErrorStream(failure.schema(), failure.error(), requestId);
      // the client may take the refused call for a stream and complete it with an input stream
      abandonedInputExpected = true;
      Map<String, String> refused = requested;
      RequestShape refusedShape = shape;
      Identity refusedCaller = caller;
      afterAnswer(requestId, () -> reportRefusal(refused, failure.error(), requestId, started, refusedShape,
          refusedCaller));
    } else if (prepared instanceof RequestParser.TransportOptionsCall) {
      TransportOptions.write(out, server.serverId(), memory);
      out.flush();
    } else {
      PreparedCall call = (PreparedCall) prepared;
      boolean stream = call.spec().kind() != MethodKind.UNARY;
      outcome = new Outcome(stream ? ServerState.newStreamId() : null);
      try {
        if (stream) {
          serveStream(call, memory);
        } else {
          serveUnary(call, memory);
        }
      } finally {
        // bookkeeping after a complete answer: the connection is in step, so a failure is logged
        try {
          call.close();
        } catch (RuntimeException | Error e) {
          LOG.error("request {}: failed after its answer was written", requestId, e);
        }
        try {
          report(call, started, shape);
        } catch (RuntimeException | Error e) {
          LOG.error("request {}: failed after its answer was written", requestId, e);
        }
      }
    }
    return true;
  }

  /**
   * Runs bookkeeping that follows a complete answer (releasing the call, reporting it to the access
   * listener): the connection is in step then, so a failure here (an Error included) is logged with
   * the request id and the connection goes on serving.
   */
  private static void afterAnswer(String requestId, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException | Error e) {
      LOG.error("request {}: failed after its answer was written", requestId, e);
    }
  }

  /**
   * Skips what is left of a request stream after a failure on a message that arrived whole, then
   * expects what a client sends after a refused call (see {@code abandonedInputExpected}).
   *
   * @param reader the request's reader, or null when the stream's first message failed
   * @return true: the connection is in step again
   * @throws WireFormatException when the rest of the stream's framing is broken
   */
  private boolean skipRestOfRequest(IpcStreamReader reader, String requestId) throws IOException {
    if (reader == null) {
      IpcStreamReader.skipStream(in, server.wireLimits());
    } else {
      reader.skipRest();
    }
    LOG.debug("request {}: skipped the rest of a malformed request", requestId);
    abandonedInputExpected = true;
    return true;
  }

  /** What happened to the call being served, for its access record. */
  private static final class Outcome {
    final String streamId;
    Throwable error;
    boolean cancelled;

    Outcome(String streamId) {
      this.streamId = streamId;
    }
  }

  private void failedWith(Throwable error) {
    if (outcome != null && outcome.error == null) {
      outcome.error = error;
    }
  }

  private void report(PreparedCall call, long started, RequestShape shape) {
    Outcome done = outcome;
    outcome = null;
    if (done != null && server.reports()) {
      server.report(CallReport.of(call.binding().name(), call.binding().protocolHash(), call.spec().name(),
              call.spec().kind().wireName(), started)
          .call(call.context()).remote(remoteAddress).failure(done.error).stream(done.streamId)
          .cancelled(done.cancelled).request(shape));
    }
  }

  /** Records a request refused before it became a call (none when it named no method). */
  private void reportRefusal(Map<String, String> requested, Throwable error, String requestId, long started,
      RequestShape shape, Identity caller) {
    if (!server.reports()) {
      return; // nobody listens: no record to gather
    }
    String method = requested.get(MetadataKeys.METHOD);
    if (method == null || method.isEmpty()) {
      return;
    }
    ServiceBinding protocol = server.protocolOf(requested);
    MethodSpec spec = protocol.spec().methods().get(method);
    boolean stream = spec != null && spec.kind() != MethodKind.UNARY;
    server.report(CallReport.of(protocol.name(), protocol.protocolHash(), method,
            stream ? "stream" : "unary", started)
        .caller(requestId, caller).remote(remoteAddress).failure(error)
        .stream(stream ? ServerState.newStreamId() : null).request(shape));
  }

  // ---------------------------------------------------------------- calls

  private void serveUnary(PreparedCall call, BufferAllocator memory) throws IOException {
    engine.unary(call, sink, memory).ifPresent(this::failedWith);
  }

  private void serveStream(PreparedCall call, BufferAllocator memory) throws IOException {
    ServerCall context = call.context();
    CallEngine.Opened opened = engine.open(call, sink, memory);
    opened.failure().ifPresent(this::failedWith);
    if (opened.driver().isEmpty()) {
      // refused at init, the client may still send the input stream it prepared
      abandonedInputExpected = opened.methodFailed();
      return;
    }
    StreamDriver driver = opened.driver().get();
    Optional<IpcStreamReader> openedInput;
    try {
      openedInput = IpcStreamReader.openTurns(in, memory, server.wireLimits());
    } catch (WireFormatException e) {
      // the input stream's schema message is malformed: answer, then skip the input if it is whole
      failedWith(e);
      writeErrorStream(driver.outputSchema(), CallEngine.malformedInput(e),
          context.requestId());
      if (!e.framingIntact()) {
        throw e;
      }
      IpcStreamReader.skipStream(in, server.wireLimits());
      return;
    }
    if (openedInput.isEmpty()) {
      return;
    }
    try (IpcStreamReader input = openedInput.get()) {
      Schema output = driver.outputSchema();
      boolean malformedInput;
      try (IpcStreamWriter writer = IpcStreamWriter.start(out, output)) {
        context.attach(message -> writeLog(writer, output, message, call, memory));
        malformedInput = runTurns(driver, input, writer, context, memory);
        // before the output's end: the client that sees it sees every region of the call freed
        ShmConnection.freeReleasedHere();
      } finally {
        context.attach(null);
      }
      if (malformedInput) {
        input.skipRest(); // by framing alone: the content no longer matters
      } else {
        input.drain();
      }
    }
  }

  /**
   * Runs the exchange until the input ends, the method finishes or fails, or the client cancels.
   *
   * @return true when it stopped at an input batch whose content was malformed (answered with a
   *     {@code ProtocolError}); the rest of the input is then to be skipped by framing
   * @throws WireFormatException when the input's framing is broken (after the error is written)
   */
  private boolean runTurns(StreamDriver driver, IpcStreamReader input, IpcStreamWriter writer, ServerCall context,
      BufferAllocator memory) throws IOException {
    try {
      while (input.next()) {
        if (input.metadata().containsKey(MetadataKeys.CANCEL)) {
          outcome.cancelled = true;
          engine.cancel(driver, context);
          return false;
        }
        CallEngine.TurnEnd end;
        Resolved turnInput;
        try {
          turnInput = Resolved.of(server, input, memory);
        } catch (RpcException unresolved) {
          engine.failTurn(unresolved, driver.outputSchema(), writer, context, memory);
          failedWith(unresolved);
          return false;
        }
        try (turnInput) {
          end = engine.turn(driver, turnInput.reader(), writer, context, CallEngine.TurnSeal.NONE, memory);
        }
        if (end instanceof CallEngine.TurnEnd.Failed failed) {
          failedWith(failed.error());
          if (failed.error() instanceof WireFormatException e && (!e.framingIntact() || !input.atMessageBoundary())) {
            throw e;
          }
          return failed.malformedInput();
        }
        if (end instanceof CallEngine.TurnEnd.Finished) {
          return false;
        }
      }
    } catch (WireFormatException e) {
      failedWith(e);
      engine.writeError(writer, driver.outputSchema(),
          CallEngine.malformedInput(e), context.requestId(), memory);
      if (!e.framingIntact() || !input.atMessageBoundary()) {
        throw e;
      }
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- log and error batches

  private void writeLog(IpcStreamWriter writer, Schema schema, LogMessage message, PreparedCall call,
      BufferAllocator memory) throws IOException {
    engine.writeLog(writer, schema, message, call.context().requestId(), memory);
  }

  private void writeErrorStream(Schema schema, Throwable error, String requestId) throws IOException {
    BufferAllocator memory = server.allocator().newChildAllocator("error-" + requestId, 0, Long.MAX_VALUE);
    try {
      engine.writeErrorStream(sink, schema, error, requestId, memory);
    } finally {
      closeAllocator(memory);
    }
  }

  private static void closeAllocator(BufferAllocator memory) {
    closeAllocator(memory, "");
  }

  private static void closeAllocator(BufferAllocator memory, String requestId) {
    try {
      memory.close();
    } catch (IllegalStateException leak) {
      LOG.error("Arrow memory leaked by a call{}: {}", requestId.isEmpty() ? "" : " (request " + requestId + ")",
          leak.getMessage());
    }
  }

  static List<String> names(Schema schema) {
    return schema.getFields().stream().map(Field::getName).toList();
  }
}
