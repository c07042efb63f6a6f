package dev.arrowrpc.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.CallListener;
import dev.arrowrpc.core.CallRecord;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.auth.StreamTokens;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.spi.RequestEngine;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.LogBatches;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request/response seam on its own, with tokens that protect nothing (the transport's job). */
class RequestHandlerTest {
  public record Row(long n) {}

  @RpcService(name = "Seam")
  public interface Seam {
    long answer();

    Producer<Row> lambdaProducer();

    Exchange<Row, Row> lambdaExchange();

    Producer<Row> counter();
  }

  /** A producer state that travels: a named class with a field. */
  public static final class Counting implements dev.arrowrpc.core.ProducerState<Row> {
    long next;

    @Override
    public void produce(dev.arrowrpc.core.StreamOutput<Row> out, dev.arrowrpc.core.CallContext context) {
      out.emitRow(new Row(next++));
    }
  }

  public static final class Impl implements Seam {
    @Override
    public long answer() {
      return 42;
    }

    @Override
    public Producer<Row> lambdaProducer() {
      long[] i = {0};
      return Producer.of((out, context) -> out.emitRow(new Row(i[0]++)));
    }

    @Override
    public Exchange<Row, Row> lambdaExchange() {
      return Exchange.of((input, out, context) -> out.emit(input));
    }

    @Override
    public Producer<Row> counter() {
      return Producer.of(new Counting());
    }
  }

  /** Tokens that are just the payload in base64. */
  private static final StreamTokens PLAIN = new StreamTokens() {
    @Override
    public String seal(byte[] payload, Identity identity) {
      return Base64.getEncoder().encodeToString(payload);
    }

    @Override
    public byte[] open(String token, Identity identity) {
      return Base64.getDecoder().decode(token);
    }
  };

  private static final RequestEngine.Caller CALLER = new RequestEngine.Caller(Identity.ANONYMOUS, "0123456789abcdef", "",
      outcome -> Map.of("outcome", outcome.name()));

  private BufferAllocator memory;
  private RpcServer server;
  private RequestEngine handler;
  private final List<CallRecord> records = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    memory = new RootAllocator();
    CallListener listener = records::add;
    server = RpcServer.builder(Seam.class, new Impl()).allocator(memory).listener(listener).build();
    handler = server.requestEngine(PLAIN);
  }

  @AfterEach
  void stop() {
    assertEquals(0, memory.getAllocatedMemory());
    server.close();
    memory.close();
  }

  /** A request for a method without parameters. */
  private byte[] request(String method) throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.METHOD, method);
    metadata.put(MetadataKeys.PROTOCOL, "Seam");
    metadata.put(MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE);
    return stream(metadata, 1);
  }

  private byte[] stream(Map<String, String> metadata, int rows) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(MethodSpec.EMPTY_SCHEMA, memory);
        IpcStreamWriter writer = IpcStreamWriter.start(out, MethodSpec.EMPTY_SCHEMA)) {
      root.setRowCount(rows);
      writer.write(root, metadata);
    }
    return out.toByteArray();
  }

  private record Answer(RequestEngine.Outcome status, byte[] body) {}

  private Answer handle(RequestEngine.Route route, String method, byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RequestEngine.Outcome status = handler.handle(route, "Seam", method, new ByteArrayInputStream(body), out,
        CALLER);
    return new Answer(status, out.toByteArray());
  }

  /** Each batch of each stream in a body: data rows, or the error/log message, plus its metadata. */
  private List<String> batches(byte[] body) throws IOException {
    List<String> out = new ArrayList<>();
    ByteArrayInputStream in = new ByteArrayInputStream(body);
    Optional<IpcStreamReader> opened;
    while ((opened = IpcStreamReader.open(in, memory)).isPresent()) {
      try (IpcStreamReader reader = opened.get()) {
        while (reader.next()) {
          LogBatches.Kind kind = LogBatches.classify(reader.root().getRowCount(), reader.metadata());
          if (kind instanceof LogBatches.Error e) {
            out.add("error " + e.error().errorType() + ": " + e.error().errorMessage());
          } else if (reader.metadata().containsKey(MetadataKeys.STREAM_STATE)) {
            out.add("sentinel " + reader.root().getRowCount());
          } else {
            out.add("data " + reader.root().getRowCount());
          }
        }
      }
    }
    return out;
  }

  @Test
  void theUrlMethodIsResolvedBeforeTheBodyIsRead() throws IOException {
    Answer answer = handle(RequestEngine.Route.UNARY, "nope", new byte[0]);
    assertEquals(RequestEngine.Outcome.NOT_FOUND, answer.status());
    List<String> batches = batches(answer.body());
    assertEquals(1, batches.size());
    assertTrue(batches.get(0).startsWith("error MethodNotImplementedError: Protocol 'Seam' has no method 'nope'"),
        batches.get(0));
  }

  @Test
  void anExchangeStateThatCannotTravelFailsInBand() throws IOException {
    Answer answer = handle(RequestEngine.Route.INIT, "lambdaExchange", request("lambdaExchange"));
    assertEquals(RequestEngine.Outcome.METHOD_ERROR, answer.status());
    List<String> batches = batches(answer.body());
    assertEquals(1, batches.size(), batches.toString());
    assertTrue(batches.get(0).contains("cannot travel over a stateless transport"), batches.get(0));
  }

  @Test
  void aProducerStateThatCannotTravelFailsBeforeItsDataIsSent() throws IOException {
    Answer answer = handle(RequestEngine.Route.INIT, "lambdaProducer", request("lambdaProducer"));
    assertEquals(RequestEngine.Outcome.METHOD_ERROR, answer.status());
    List<String> batches = batches(answer.body());
    assertEquals(1, batches.size(), "no data batch without its cursor: " + batches);
    assertTrue(batches.get(0).startsWith("error ValueError"), batches.get(0));
  }

  @Test
  void recordsCarryTheRequestShapeAndTokenSizesNeverTheirValues() throws IOException {
    assertEquals(RequestEngine.Outcome.OK, handle(RequestEngine.Route.UNARY, "answer", request("answer")).status());
    Answer opened = handle(RequestEngine.Route.INIT, "counter", request("counter"));
    assertEquals(List.of("data 1", "sentinel 0"), batches(opened.body()));
    Map<String, String> tokens = new LinkedHashMap<>();
    try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(opened.body()), memory).orElseThrow()) {
      while (reader.next()) {
        if (reader.metadata().containsKey(MetadataKeys.CALL_STATE)) {
          tokens.put(MetadataKeys.STREAM_STATE, reader.metadata().get(MetadataKeys.STREAM_STATE));
          tokens.put(MetadataKeys.CALL_STATE, reader.metadata().get(MetadataKeys.CALL_STATE));
        }
      }
    }
    long sent = tokens.get(MetadataKeys.STREAM_STATE).length() + tokens.get(MetadataKeys.CALL_STATE).length();
    Answer turned = handle(RequestEngine.Route.EXCHANGE, "counter", stream(tokens, 0));
    assertEquals(RequestEngine.Outcome.OK, turned.status());
    assertEquals(3, records.size());

    CallRecord unary = records.get(0);
    assertEquals("unary", unary.methodType());
    assertEquals(Optional.of(new dev.arrowrpc.core.RequestShape(List.of(), 1)), unary.request());
    assertEquals(Map.of("outcome", "OK"), unary.transportFields(), "the transport's fields, given the outcome");
    assertTrue(unary.requestStateBytes().isEmpty() && unary.responseStateBytes().isEmpty());

    CallRecord init = records.get(1);
    assertEquals("stream", init.methodType());
    assertTrue(init.request().isPresent(), "an init record describes its request");
    assertEquals(java.util.OptionalLong.of(sent), init.responseStateBytes());
    assertTrue(init.requestStateBytes().isEmpty());

    CallRecord turn = records.get(2);
    assertEquals(init.streamId(), turn.streamId());
    assertTrue(turn.request().isEmpty(), "a continuation carries no request shape");
    assertEquals(java.util.OptionalLong.of(sent), turn.requestStateBytes());
    assertTrue(turn.responseStateBytes().orElseThrow() > 0, "the turn returns a fresh cursor");
    for (CallRecord record : records) {
      assertEquals("Seam", record.protocol());
      assertEquals(protocolHash(), record.protocolHash());
      assertTrue(record.ok());
    }
  }

  @Test
  void refusedRequestsAreRecordedUnderThePrimaryProtocol() throws IOException {
    assertEquals(RequestEngine.Outcome.NOT_FOUND, handle(RequestEngine.Route.UNARY, "nope", new byte[0]).status());
    assertEquals(RequestEngine.Outcome.REFUSED, handle(RequestEngine.Route.UNARY, "answer", new byte[0]).status());
    assertEquals(RequestEngine.Outcome.REFUSED,
        handle(RequestEngine.Route.EXCHANGE, "counter", stream(Map.of(), 0)).status());
    assertEquals(3, records.size(), records.toString());

    CallRecord unknown = records.get(0);
    assertEquals("nope", unknown.method());
    assertEquals("unary", unknown.methodType());
    assertEquals("Seam", unknown.protocol());
    assertEquals(protocolHash(), unknown.protocolHash());
    CallRecord.Failure failure = unknown.failure().orElseThrow();
    assertEquals("MethodNotImplementedError", failure.type());
    assertEquals("UNIMPLEMENTED", failure.code());
    assertEquals(Optional.of("method_not_implemented"), failure.kind());
    assertEquals(Map.of("outcome", "NOT_FOUND"), unknown.transportFields());
    assertEquals("0123456789abcdef", unknown.requestId());

    CallRecord empty = records.get(1);
    assertEquals("answer", empty.method());
    assertEquals("ProtocolError", empty.failure().orElseThrow().type());
    assertEquals("UNKNOWN", empty.failure().orElseThrow().code());
    assertEquals(Map.of("outcome", "REFUSED"), empty.transportFields());

    CallRecord tokenless = records.get(2);
    assertEquals("stream", tokenless.methodType());
    assertTrue(tokenless.streamId().orElseThrow().matches("[0-9a-f]{32}"));
    assertTrue(tokenless.failure().orElseThrow().message().contains("stream tokens"));
  }

  @Test
  void aSignedStateThisBuildCannotRestoreIsA400() throws Exception {
    Answer opened = handle(RequestEngine.Route.INIT, "counter", request("counter"));
    String callToken = null;
    String cursor = null;
    try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(opened.body()), memory).orElseThrow()) {
      while (reader.next()) {
        if (reader.metadata().containsKey(MetadataKeys.CALL_STATE)) {
          callToken = reader.metadata().get(MetadataKeys.CALL_STATE);
          cursor = reader.metadata().get(MetadataKeys.STREAM_STATE);
        }
      }
    }
    StreamCheckpoint.Cursor real = StreamCheckpoint.readCursor(Base64.getDecoder().decode(cursor));
    // a state of the right class whose row has another shape (as an older build might have written)
    ByteArrayOutputStream reshaped = new ByteArrayOutputStream();
    byte[] name = Counting.class.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    reshaped.write(StateCodec.VERSION);
    reshaped.write(name.length >> 8);
    reshaped.write(name.length & 0xff);
    reshaped.write(name);
    reshaped.write(stream(Map.of(), 1));
    byte[] garbled = reshaped.toByteArray();
    String forged = Base64.getEncoder().encodeToString(StreamCheckpoint.cursor(new StreamCheckpoint.Cursor(real.callId(),
        new byte[] {1, 0, 3, 'n', 'o', 'p'})));
    for (String bad : List.of(forged, Base64.getEncoder().encodeToString(
        StreamCheckpoint.cursor(new StreamCheckpoint.Cursor(real.callId(), garbled))))) {
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put(MetadataKeys.STREAM_STATE, bad);
      metadata.put(MetadataKeys.CALL_STATE, callToken);
      Answer turn = handle(RequestEngine.Route.EXCHANGE, "counter", stream(metadata, 0));
      assertEquals(RequestEngine.Outcome.REFUSED, turn.status());
      assertTrue(batches(turn.body()).get(0).startsWith("error ProtocolError: invalid stream token"),
          batches(turn.body()).toString());
    }
  }

  @Test
  void onlyOkIsNotAnError() {
    for (RequestEngine.Outcome outcome : RequestEngine.Outcome.values()) {
      assertEquals(outcome != RequestEngine.Outcome.OK, outcome.isError(), outcome.name());
    }
  }

  /** The hash the server reports for the Seam protocol, from its own binding of the interface. */
  private static String protocolHash() {
    return ServiceBinding.bind(Seam.class, new Impl()).protocolHash();
  }
}
