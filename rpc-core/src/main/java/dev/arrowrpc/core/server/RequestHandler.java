package dev.arrowrpc.core.server;

import dev.arrowrpc.core.BatchState;
import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.ExchangeState;
import dev.arrowrpc.core.LocalBatchStream;
import dev.arrowrpc.core.LocalExchange;
import dev.arrowrpc.core.LocalProducer;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.ProducerState;
import dev.arrowrpc.core.RequestShape;
import dev.arrowrpc.core.ResponseBudget;
import dev.arrowrpc.core.RestoredState;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.auth.StreamTokens;
import dev.arrowrpc.core.external.ExternalLocations;
import dev.arrowrpc.core.schema.MethodKind;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.RecordSchema;
import dev.arrowrpc.core.spi.RequestEngine;
import dev.arrowrpc.core.spi.ResponseLimit;
import dev.arrowrpc.core.wire.IpcBytes;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MarshalException;
import dev.arrowrpc.core.wire.MetadataKeys;
import dev.arrowrpc.core.wire.WireFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one request stream with one response stream, for request/response transports (HTTP,
 * Flight): unary calls, stream init, and stream turns whose state travels in tokens between
 * requests, so any replica holding the signing key can serve any turn.
 *
 * <p>Init answers with the header stream (if declared), then the output stream: a producer's first
 * batch, or nothing for an exchange, and a zero-row sentinel carrying both tokens ({@value
 * #CURSOR_KEY} and {@value #CALL_KEY}) unless the producer finished. Each turn answers with the
 * turn's logs and batch; the refreshed cursor rides on the batch (exchange) or on a trailing
 * sentinel (producer). A cancel answers with an empty stream.
 */
public final class RequestHandler implements RequestEngine {
  /** The metadata key of the per-turn cursor token. */
  public static final String CURSOR_KEY = MetadataKeys.STREAM_STATE;
  /** The metadata key of the per-call token. */
  public static final String CALL_KEY = MetadataKeys.CALL_STATE;

  private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private final ServerState server;
  private final CallEngine engine;
  private final StreamTokens tokens;
  /** The transport kind every call's context reports (HTTP unless the transport says otherwise). */
  private final Optional<TransportKind> kind;

  /**
   * Creates a handler whose calls report {@link TransportKind#HTTP}.
   *
   * @param server the server
   * @param tokens seals and opens stream tokens
   */
  public RequestHandler(ServerState server, StreamTokens tokens) {
    this(server, tokens, TransportKind.HTTP);
  }

  /**
   * Creates a handler.
   *
   * @param server the server
   * @param tokens seals and opens stream tokens
   * @param kind the transport kind every call's context reports
   */
  public RequestHandler(ServerState server, StreamTokens tokens, TransportKind kind) {
    this.server = server;
    this.engine = new CallEngine(server);
    this.tokens = tokens;
    this.kind = Optional.of(java.util.Objects.requireNonNull(kind, "kind"));
  }

  /**
   * Answers one request (see {@link RequestEngine#handle}).
   *
   * @param route the route it arrived on
   * @param urlProtocol the protocol named in the URL, exactly as it arrived (not percent-decoded),
   *     or empty on the flat route of a reserved {@code __name__} method
   * @param urlMethod the method named in the URL
   * @param body the request body (an Arrow IPC stream, already decompressed)
   * @param out the response body
   * @param caller who asks
   * @return how the answer ended
   * @throws IOException when writing the response fails
   */
  @Override
  public Outcome handle(Route route, String urlProtocol, String urlMethod, InputStream body, OutputStream out,
      Caller caller) throws IOException {
    try {
      server.serveStarted(kind.orElse(TransportKind.HTTP));
    } catch (IOException e) {
      // not the answer's channel failing: the transport answers this as a server failure (HTTP 500)
      throw new IllegalStateException(e.getMessage(), e);
    }
    BufferAllocator memory =
        server.allocator().newChildAllocator("request-" + caller.requestId(), 0, Long.MAX_VALUE);
    long started = System.nanoTime();
    RequestNotes notes = RequestNotes.open();
    try {
      Outcome status = answer(route, urlProtocol, urlMethod, body, out, caller, memory);
      notes.refusal().ifPresent(error -> reportRefusal(route, urlProtocol, urlMethod, caller, started, error,
          status));
      return status;
    } finally {
      RequestNotes.close();
      try {
        memory.close();
      } catch (IllegalStateException leak) {
        LOG.error("Arrow memory leaked by a request: {}", leak.getMessage());
      }
    }
  }

  private Outcome answer(Route route, String urlProtocol, String urlMethod, InputStream body, OutputStream out,
      Caller caller, BufferAllocator memory) throws IOException {
    // the path is resolved before the body is read: an unroutable request is 404 whatever it carries
    Optional<RpcException> unroutable = unroutable(urlProtocol, urlMethod);
    if (unroutable.isPresent()) {
      writeErrorStream(out, MethodSpec.EMPTY_SCHEMA, unroutable.get(), caller, memory);
      return Outcome.NOT_FOUND;
    }
    return route == Route.EXCHANGE
        ? turn(urlProtocol, urlMethod, body, out, caller, memory)
        : call(route, urlProtocol, urlMethod, body, out, caller, memory);
  }

  /**
   * Records a request answered with an error stream instead of a method run: under the protocol the
   * URL names when it is hosted (else the primary), as the method the URL names.
   */
  private void reportRefusal(Route route, String urlProtocol, String urlMethod, Caller caller, long started,
      Throwable error, Outcome status) {
    if (urlMethod.isEmpty()) {
      return; // a record names its method
    }
    ServiceBinding protocol = server.protocolOf(Map.of(MetadataKeys.PROTOCOL, urlProtocol));
    MethodSpec spec = protocol.spec().methods().get(urlMethod);
    boolean stream = spec == null ? route != Route.UNARY : spec.kind() != MethodKind.UNARY;
    server.report(CallReport.of(protocol.name(), protocol.protocolHash(), urlMethod,
            stream ? "stream" : "unary", started)
        .caller(caller.requestId(), caller.identity()).remote(caller.remoteAddress()).failure(error)
        .stream(stream ? ServerState.newStreamId() : null).transportFields(caller.recordFields().apply(status)));
  }

  /** Why a URL's protocol and method cannot be served here, if they cannot. */
  private Optional<RpcException> unroutable(String urlProtocol, String urlMethod) {
    if (urlProtocol.isEmpty()) {
      if (RequestParser.TRANSPORT_OPTIONS.equals(urlMethod)) {
        return Optional.empty();
      }
      return Optional.of(((RequestParser.Failure) RequestParser.reserved(urlMethod, Map.of())).error());
    }
    if (urlProtocol.indexOf('%') >= 0) {
      // the name charset never needs percent-encoding: refuse rather than decode
      return Optional.of(RequestProblem.protocolNotSpecified("Protocol path segment contains a percent sign. "
          + "The protocol charset never requires encoding, so this is rejected rather than decoded."));
    }
    HostedProtocols hosted = server.protocols();
    Optional<ServiceBinding> binding = hosted.find(urlProtocol);
    if (binding.isEmpty()) {
      // only a miss needs the grammar, checked before the segment is quoted
      Optional<String> badName = HostedProtocols.nameProblem(urlProtocol);
      return Optional.of(RequestProblem.protocolNotSupported(badName.isPresent()
          ? "Not a protocol name: " + badName.get()
          : "This server does not host protocol '" + urlProtocol + "'. Hosted: " + hosted.sortedNames() + "."));
    }
    if (!binding.get().spec().methods().containsKey(urlMethod)) {
      return Optional.of(RequestProblem.unknownMethod("Protocol '" + urlProtocol + "' has no method '" + urlMethod
          + "'. Available: " + binding.get().spec().methods().keySet() + "."));
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------ unary and init

  private Outcome call(Route route, String urlProtocol, String urlMethod, InputStream body, OutputStream out,
      Caller caller, BufferAllocator memory) throws IOException {
    long started = System.nanoTime();
    RequestParser.Prepared prepared;
    RequestShape request;
    try {
      Optional<IpcStreamReader> opened = IpcStreamReader.openOnThisThread(body, memory, server.wireLimits());
      if (opened.isEmpty()) {
        return refuse(out, RequestProblem.protocol("empty request body"), caller, memory);
      }
      try (IpcStreamReader reader = opened.get()) {
        CallEngine.Request read = engine.prepare(reader, reader.next(), m -> withPathProtocol(m, urlProtocol),
            caller.identity(), caller.requestId(), kind, caller.remoteAddress(), memory);
        prepared = read.prepared();
        request = read.shape().orElse(null);
      }
    } catch (WireFormatException e) {
      return refuse(out, RequestProblem.protocol("invalid Arrow IPC request: " + e.getMessage()), caller, memory);
    }
    if (prepared instanceof RequestParser.Failure failure) {
      writeErrorStream(out, MethodSpec.EMPTY_SCHEMA, failure.error(), caller, memory);
      return failure.methodError() ? Outcome.METHOD_ERROR : failure.notFound() ? Outcome.NOT_FOUND : Outcome.REFUSED;
    }
    if (prepared instanceof RequestParser.TransportOptionsCall) {
      if (route != Route.UNARY || !urlProtocol.isEmpty() || !RequestParser.TRANSPORT_OPTIONS.equals(urlMethod)) {
        return refuse(out, RequestProblem.protocol("the URL and the request name different methods"), caller,
            memory);
      }
      TransportOptions.write(out, server.serverId(), memory);
      return Outcome.OK;
    }
    PreparedCall call = (PreparedCall) prepared;
    try {
      MethodSpec spec = call.spec();
      if (!call.binding().name().equals(urlProtocol)) {
        // the metadata is canonical and the path its projection: a disagreement is refused
        return refuse(out, RequestProblem.protocolNotSupported("The URL path names protocol '" + urlProtocol
            + "' but the request's '" + MetadataKeys.PROTOCOL + "' names '" + call.binding().name()
            + "'. These must match."), caller, memory);
      }
      if (!spec.name().equals(urlMethod)) {
        return refuse(out, RequestProblem.type("Method name mismatch: URL path has '" + urlMethod
            + "' but Arrow IPC custom_metadata '" + MetadataKeys.METHOD + "' has '" + spec.name()
            + "'. These must match."), caller, memory);
      }
      boolean stream = spec.kind() != MethodKind.UNARY;
      if (stream != (route == Route.INIT)) {
        return refuse(out, RequestProblem.type(stream
            ? "Stream method '" + spec.name() + "' requires /init and /exchange endpoints"
            : "Method '" + spec.name() + "' does not support /init"), caller, memory);
      }
      return stream
          ? init(call, out, caller, memory, started, request)
          : unary(call, out, caller, memory, started, request);
    } finally {
      call.close();
    }
  }

  /**
   * The request's metadata, with the protocol the URL names as its routing key when it carries none:
   * over HTTP the path segment already resolved the binding, so an absent key is the single-carrier
   * case rather than an error (on a byte stream the metadata is the only carrier, and it stays
   * required there).
   */
  private static Map<String, String> withPathProtocol(Map<String, String> metadata, String urlProtocol) {
    String declared = metadata.get(MetadataKeys.PROTOCOL);
    if (urlProtocol.isEmpty() || (declared != null && !declared.isEmpty())) {
      return metadata;
    }
    Map<String, String> routed = new LinkedHashMap<>(metadata);
    routed.put(MetadataKeys.PROTOCOL, urlProtocol);
    return routed;
  }

  private Outcome unary(PreparedCall call, OutputStream out, Caller caller, BufferAllocator memory,
      long started, RequestShape request) throws IOException {
    Optional<Throwable> failure = Optional.empty();
    try {
      call.context().budget(budget(caller));
      failure = engine.unary(call, sink(out), memory);
      return failure.isEmpty() ? Outcome.OK : Outcome.METHOD_ERROR;
    } finally {
      server.report(CallReport.of(call.binding().name(), call.binding().protocolHash(), call.spec().name(),
              "unary", started).call(call.context()).remote(caller.remoteAddress()).failure(failure.orElse(null))
          .request(request).transportFields(caller.recordFields().apply(
              failure.isEmpty() ? Outcome.OK : Outcome.METHOD_ERROR)));
    }
  }

  private Outcome init(PreparedCall call, OutputStream out, Caller caller, BufferAllocator memory,
      long started, RequestShape request) throws IOException {
    MethodSpec spec = call.spec();
    ServerCall context = call.context();
    byte[] streamId = randomBytes();
    Throwable failure = null;
    try {
      context.budget(budget(caller));
      CallEngine.Opened opened = engine.open(call, sink(out), memory);
      if (opened.driver().isEmpty()) {
        failure = opened.failure().orElseThrow();
        return Outcome.METHOD_ERROR;
      }
      StreamDriver driver = opened.driver().get();
      Schema output = driver.outputSchema();
      Restorable restorable = Restorable.of(spec, driver);
      byte[] callId = randomBytes();
      String callToken = tokens.seal(StreamCheckpoint.call(new StreamCheckpoint.Call(callId, streamId,
          call.binding().name(), spec.name(), IpcBytes.schema(output), IpcBytes.schema(restorable.inputSchema()),
          caller.responseLimit().limitBytes())), caller.identity());
      RequestNotes.current().callToken(callToken);
      try (IpcStreamWriter writer = IpcStreamWriter.start(out, output)) {
        context.attach(message -> writeLog(writer, output, message, caller, memory));
        if (restorable.producer()) {
          context.budget(budget(caller));
          try (IpcStreamReader tick = emptyTick(memory)) {
            failure = produceTurn(driver, restorable, callId, callToken, tick, writer, context, caller, memory);
          }
        } else {
          String cursor;
          try {
            cursor = cursor(restorable, callId, caller, memory);
          } catch (RuntimeException error) {
            failure = error;
            writeError(writer, output, error, caller, memory);
            return Outcome.METHOD_ERROR;
          }
          writeSentinel(writer, output, Map.of(CURSOR_KEY, cursor, CALL_KEY, callToken), memory);
        }
      } finally {
        context.attach(null);
      }
      return failure == null ? Outcome.OK : Outcome.METHOD_ERROR;
    } finally {
      CallReport report = CallReport.of(call.binding().name(), call.binding().protocolHash(), spec.name(),
              "stream", started).call(context).remote(caller.remoteAddress()).failure(failure)
          .stream(HexFormat.of().formatHex(streamId)).request(request)
          .transportFields(caller.recordFields().apply(failure == null ? Outcome.OK : Outcome.METHOD_ERROR));
      RequestNotes.current().responseStateBytes().ifPresent(report::responseStateBytes);
      server.report(report);
    }
  }

  /**
   * Runs one producer turn and writes its batch, then a sentinel with the refreshed cursor (and the
   * call token when given), or nothing more when the producer finished.
   *
   * @param tick the tick the turn runs on: the request's batch on a continuation (its metadata, less
   *     the transport's keys, reaches the producer), or an empty one at init
   * @return the turn's failure, or null
   */
  private Throwable produceTurn(StreamDriver driver, Restorable restorable, byte[] callId, String callToken,
      IpcStreamReader tick, IpcStreamWriter writer, ServerCall context, Caller caller, BufferAllocator memory)
      throws IOException {
    Schema output = driver.outputSchema();
    CallEngine.TurnSeal sentinel = new CallEngine.TurnSeal() {
      private String cursor;

      @Override
      public Map<String, String> batchMetadata(Map<String, String> metadata) {
        cursor = cursor(restorable, callId, caller, memory);
        return metadata;
      }

      @Override
      public void afterBatch(IpcStreamWriter writer) throws IOException {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put(CURSOR_KEY, cursor);
        if (callToken != null) {
          tokens.put(CALL_KEY, callToken);
        }
        writeSentinel(writer, output, tokens, memory);
      }
    };
    return failureOf(engine.turn(driver, tick, writer, context, sentinel, memory));
  }

  /**
   * How a turn's answer ended: an input batch whose content is not valid Arrow IPC is refused, as a
   * malformed request is; any other failure is the method's.
   */
  private static Outcome turnOutcome(Throwable failure) {
    return failure == null ? Outcome.OK
        : failure instanceof WireFormatException ? Outcome.REFUSED : Outcome.METHOD_ERROR;
  }

  /** A turn's failure, or null. */
  private static Throwable failureOf(CallEngine.TurnEnd end) {
    return end instanceof CallEngine.TurnEnd.Failed failed ? failed.error() : null;
  }

  // ------------------------------------------------------------------ turns

  private Outcome turn(String urlProtocol, String urlMethod, InputStream body, OutputStream out, Caller caller,
      BufferAllocator memory) throws IOException {
    long started = System.nanoTime();
    Optional<IpcStreamReader> opened;
    try {
      opened = IpcStreamReader.open(body, memory, server.wireLimits());
    } catch (WireFormatException e) {
      return refuse(out, RequestProblem.protocol("invalid Arrow IPC request: " + e.getMessage()), caller, memory);
    }
    if (opened.isEmpty()) {
      return refuse(out, RequestProblem.protocol("empty request body"), caller, memory);
    }
    try (IpcStreamReader input = opened.get()) {
      if (!input.next()) {
        return refuse(out, RequestProblem.protocol("the stream request has no batch"), caller, memory);
      }
      Resolved turnInput;
      try {
        turnInput = Resolved.of(server, input, memory);
      } catch (RpcException unresolved) {
        // never a fabricated empty turn: the fetch failure is the answer
        writeErrorStream(out, MethodSpec.EMPTY_SCHEMA, unresolved, caller, memory);
        return Outcome.METHOD_ERROR;
      }
      try (turnInput) {
        return turn(urlProtocol, urlMethod, input, turnInput.reader(), out, caller, memory, started);
      }
    } catch (WireFormatException e) {
      return refuse(out, RequestProblem.protocol("invalid Arrow IPC request: " + e.getMessage()), caller, memory);
    }
  }

  /** Answers a stream turn whose input batch (resolved when it was a pointer) is {@code batch}. */
  private Outcome turn(String urlProtocol, String urlMethod, IpcStreamReader input, IpcStreamReader batch,
      OutputStream out, Caller caller, BufferAllocator memory, long started) throws IOException {
    Map<String, String> metadata = batch.metadata();
    Resumed resumed;
    try {
      resumed = resume(urlProtocol, urlMethod, metadata, caller, memory);
    } catch (StreamTokens.InvalidTokenException e) {
      return refuse(out, RequestProblem.protocol("invalid stream token: " + e.getMessage()), caller, memory);
    }
    // the limit in force when the stream was opened still holds: a turn may lower it, never raise it
    resumed.call().responseLimit().ifPresent(caller.responseLimit()::tighten);
    ServerCall context = new ServerCall(resumed.binding().name(), resumed.spec().name(), caller.requestId(),
        metadata, caller.identity(), kind, caller.remoteAddress());
    Schema output = resumed.driver().outputSchema();
    String streamId = HexFormat.of().formatHex(resumed.call().streamId());
    if (metadata.containsKey(MetadataKeys.CANCEL)) {
      engine.cancel(resumed.driver(), context);
      try (IpcStreamWriter writer = IpcStreamWriter.start(out, output)) {
        // an empty stream: the client sees the end
      }
      server.report(CallReport.of(resumed.binding().name(), resumed.binding().protocolHash(),
              resumed.spec().name(), "stream", started).call(context).remote(caller.remoteAddress())
          .stream(streamId).cancelled(true).transportFields(caller.recordFields().apply(Outcome.OK))
          .requestStateBytes(CallReport.stateBytes(metadata)));
      return Outcome.OK;
    }
    Throwable failure = null;
    try (IpcStreamWriter writer = IpcStreamWriter.start(out, output)) {
      context.attach(message -> writeLog(writer, output, message, caller, memory));
      context.budget(budget(caller));
      if (resumed.restorable().state() instanceof RestoredState restored) {
        try {
          restored.restored(resumed.binding().implementation());
        } catch (RuntimeException e) {
          // the state's own code failed: answered and recorded as the turn's failure
          MethodErrors.log(context, server.serverId(), e);
          failure = e;
          writeError(writer, output, e, caller, memory);
          return turnOutcome(failure);
        }
      }
      if (resumed.restorable().producer()) {
        failure = produceTurn(resumed.driver(), resumed.restorable(), resumed.call().callId(), null, batch,
            writer, context, caller, memory);
      } else {
        failure = exchangeTurn(resumed, batch, writer, context, caller, memory);
      }
      while (input.next()) {
        // a turn carries one batch; ignore anything after it
      }
    } finally {
      context.attach(null);
      CallReport report = CallReport.of(resumed.binding().name(), resumed.binding().protocolHash(),
              resumed.spec().name(), "stream", started).call(context).remote(caller.remoteAddress())
          .failure(failure).stream(streamId).requestStateBytes(CallReport.stateBytes(metadata))
          .transportFields(caller.recordFields().apply(turnOutcome(failure)));
      RequestNotes.current().responseStateBytes().ifPresent(report::responseStateBytes);
      server.report(report);
    }
    return turnOutcome(failure);
  }

  private Throwable exchangeTurn(Resumed resumed, IpcStreamReader input, IpcStreamWriter writer,
      ServerCall context, Caller caller, BufferAllocator memory) throws IOException {
    CallEngine.TurnSeal cursor = new CallEngine.TurnSeal() {
      @Override
      public Map<String, String> batchMetadata(Map<String, String> metadata) {
        Map<String, String> sealed = new LinkedHashMap<>(metadata);
        sealed.put(CURSOR_KEY, cursor(resumed.restorable(), resumed.call().callId(), caller, memory));
        return sealed;
      }
    };
    return failureOf(engine.turn(resumed.driver(), input, writer, context, cursor, memory));
  }

  /** Opens and checks both tokens and rebuilds the stream they describe. */
  private Resumed resume(String urlProtocol, String urlMethod, Map<String, String> metadata, Caller caller, BufferAllocator memory)
      throws StreamTokens.InvalidTokenException {
    String cursorToken = metadata.get(CURSOR_KEY);
    String callToken = metadata.get(CALL_KEY);
    if (cursorToken == null || callToken == null) {
      throw new StreamTokens.InvalidTokenException("the request carries no stream tokens ("
          + CURSOR_KEY + " and " + CALL_KEY + " are required)");
    }
    StreamCheckpoint.Cursor cursor = StreamCheckpoint.readCursor(tokens.open(cursorToken, caller.identity()));
    StreamCheckpoint.Call call = StreamCheckpoint.readCall(tokens.open(callToken, caller.identity()));
    if (!MessageDigest.isEqual(cursor.callId(), call.callId())) {
      throw new StreamTokens.InvalidTokenException("the stream state token belongs to another call");
    }
    if (!call.protocol().equals(urlProtocol) || !call.method().equals(urlMethod)) {
      throw new StreamTokens.InvalidTokenException("the tokens belong to method '" + call.method()
          + "' of protocol '" + call.protocol() + "'");
    }
    ServiceBinding binding = server.protocols().find(call.protocol())
        .orElseThrow(() -> new StreamTokens.InvalidTokenException("the tokens name a protocol not hosted here"));
    MethodSpec spec = binding.spec().methods().get(call.method());
    if (spec == null || spec.kind() == MethodKind.UNARY) {
      throw new StreamTokens.InvalidTokenException("the tokens name no stream method of this protocol");
    }
    Object state;
    try {
      state = StateCodec.decode(cursor.state(), binding.implementationClassLoader(), memory);
    } catch (RuntimeException e) {
      throw new StreamTokens.InvalidTokenException("the stream state cannot be restored: " + e.getMessage());
    }
    Schema output = schema(call.outputSchema());
    Schema input = schema(call.inputSchema());
    Restorable restorable = Restorable.restore(spec, state, output, input);
    try {
      return new Resumed(binding, spec, call, restorable, restorable.driver(spec));
    } catch (RuntimeException e) {
      throw new StreamTokens.InvalidTokenException("the stream cannot be resumed: " + e.getMessage());
    }
  }

  private static Schema schema(byte[] bytes) throws StreamTokens.InvalidTokenException {
    try {
      return MessageSerializer.deserializeSchema(new ReadChannel(Channels.newChannel(new ByteArrayInputStream(bytes))));
    } catch (IOException | RuntimeException e) {
      throw new StreamTokens.InvalidTokenException("the call token holds an unreadable schema");
    }
  }

  /** A stream rebuilt from its tokens. */
  private record Resumed(ServiceBinding binding, MethodSpec spec, StreamCheckpoint.Call call, Restorable restorable, StreamDriver driver) {}

  /** What is needed to put a stream's state in a token and take it out again. */
  private record Restorable(Object state, boolean producer, Schema outputSchema, Schema inputSchema, boolean batches) {
    static Restorable of(MethodSpec spec, StreamDriver driver) {
      if (driver instanceof BatchStreamDriver batch) {
        LocalBatchStream stream = batch.stream();
        return new Restorable(stream.state(), stream.isProducer(), stream.outputSchema(), stream.inputSchema(), true);
      }
      TypedStreamDriver typed = (TypedStreamDriver) driver;
      Schema input = spec.input().map(RecordSchema::schema).orElse(MethodSpec.EMPTY_SCHEMA);
      return new Restorable(typed.state(), spec.kind() == MethodKind.PRODUCER, driver.outputSchema(), input, false);
    }

    static Restorable restore(MethodSpec spec, Object state, Schema output, Schema input)
        throws StreamTokens.InvalidTokenException {
      boolean batches = spec.kind() == MethodKind.STREAM;
      boolean producer = batches ? input.getFields().isEmpty() : spec.kind() == MethodKind.PRODUCER;
      boolean fits = batches ? state instanceof BatchState
          : producer ? state instanceof ProducerState<?> : state instanceof ExchangeState<?, ?>;
      if (!fits) {
        throw new StreamTokens.InvalidTokenException("the stream state does not fit method '" + spec.name() + "'");
      }
      return new Restorable(state, producer, output, input, batches);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    StreamDriver driver(MethodSpec spec) {
      if (batches) {
        return new BatchStreamDriver((LocalBatchStream) BatchStream.exchange(inputSchema, outputSchema, (BatchState) state));
      }
      return producer
          ? TypedStreamDriver.producer(spec, (LocalProducer<?>) Producer.of((ProducerState) state))
          : TypedStreamDriver.exchange(spec, (LocalExchange<?, ?>) Exchange.of((ExchangeState) state));
    }
  }

  private String cursor(Restorable restorable, byte[] callId, Caller caller, BufferAllocator memory) {
    byte[] state = StateCodec.encode(restorable.state(), memory);
    String token = tokens.seal(StreamCheckpoint.cursor(new StreamCheckpoint.Cursor(callId, state)), caller.identity());
    RequestNotes.current().cursor(token);
    return token;
  }

  private static Throwable reported(Throwable error) {
    return error instanceof MarshalException ? new RpcException("TypeError", error.getMessage()) : error;
  }

  /**
   * The budget a method sees now: the transport's limit (tightened to a stream's sealed one), the
   * server's preferred size clamped to it, what is left of it after what was already written, and
   * the server's externalization.
   */
  private ResponseBudget budget(Caller caller) {
    ResponseLimit limit = caller.responseLimit();
    OptionalLong hard = limit.limitBytes();
    OptionalLong preferred = limit.preferredBytes();
    OptionalLong remaining = OptionalLong.empty();
    if (hard.isPresent()) {
      long cap = hard.getAsLong();
      remaining = OptionalLong.of(Math.max(0, cap - limit.writtenBytes()));
      if (preferred.isPresent() && preferred.getAsLong() > cap) {
        preferred = hard;
      }
    }
    ExternalLocations external = server.external();
    boolean externalizing = external.storage().isPresent();
    if (hard.isEmpty() && preferred.isEmpty() && !externalizing) {
      return ResponseBudget.UNBOUNDED;
    }
    return new ResponseBudget(hard, preferred, remaining, externalizing,
        externalizing ? external.maxExternalizedResponseBytes() : OptionalLong.empty());
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** A zero-row batch on the empty schema: the tick a producer turn runs on. */
  private static IpcStreamReader emptyTick(BufferAllocator memory) throws IOException {
    try (org.apache.arrow.vector.VectorSchemaRoot root =
        org.apache.arrow.vector.VectorSchemaRoot.create(MethodSpec.EMPTY_SCHEMA, memory)) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (IpcStreamWriter writer = IpcStreamWriter.start(bytes, MethodSpec.EMPTY_SCHEMA)) {
        writer.write(root, Map.of());
      }
      IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(bytes.toByteArray()), memory).orElseThrow();
      reader.next();
      return reader;
    }
  }

  // ------------------------------------------------------------------ batches

  private static CallEngine.MessageSink sink(OutputStream out) {
    return schema -> IpcStreamWriter.start(out, schema);
  }

  private Outcome refuse(OutputStream out, RpcException error, Caller caller, BufferAllocator memory)
      throws IOException {
    writeErrorStream(out, MethodSpec.EMPTY_SCHEMA, error, caller, memory);
    return Outcome.REFUSED;
  }

  private void writeErrorStream(OutputStream out, Schema schema, Throwable error, Caller caller,
      BufferAllocator memory) throws IOException {
    RequestNotes.current().refused(error);
    engine.writeErrorStream(sink(out), schema, error, caller.requestId(), memory);
  }

  private void writeError(IpcStreamWriter writer, Schema schema, Throwable error, Caller caller,
      BufferAllocator memory) throws IOException {
    engine.writeError(writer, schema, error, caller.requestId(), memory);
  }

  private void writeLog(IpcStreamWriter writer, Schema schema, LogMessage message, Caller caller,
      BufferAllocator memory) throws IOException {
    engine.writeLog(writer, schema, message, caller.requestId(), memory);
  }

  private static void writeSentinel(IpcStreamWriter writer, Schema schema, Map<String, String> metadata,
      BufferAllocator memory) throws IOException {
    CallEngine.writeEmpty(writer, schema, metadata, memory);
  }
}
