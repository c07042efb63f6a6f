package dev.arrowrpc.transport.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.WireLimits;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.Json;
import dev.arrowrpc.core.wire.LogBatches;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Natural DoExchange and DoPut with acks, driven by Arrow Java's stock {@link FlightClient}. */
class FlightNaturalExchangeTest {
  private RpcServer rpc;
  private FlightRpcServer server;
  private BufferAllocator clientMemory;
  private FlightClient client;
  private Schema values;

  @BeforeEach
  void start() {
    rpc = RpcServer.create(PutExchangeService.class, new PutExchangeService.Impl());
    server = FlightRpcServer.builder(rpc).port(0).start();
    clientMemory = new RootAllocator();
    client = FlightClient.builder(clientMemory, server.location()).build();
    values = inputSchema("running");
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    assertEquals(0, clientMemory.getAllocatedMemory(), "client memory");
    clientMemory.close();
    server.close(); // throws when the Flight server's memory leaked
    assertEquals(0, rpc.allocator().getAllocatedMemory(), "server memory");
    rpc.close();
  }

  // ------------------------------------------------------------------ natural DoExchange

  @Test
  void exchangeAnswersEachBatchInLockstepWithHeaderAndLogs() throws Exception {
    List<String> logs = new ArrayList<>();
    String header = null;
    try (FlightClient.ExchangeReaderWriter call = client.doExchange(command("running", "{\"factor\": 2}"));
        VectorSchemaRoot in = VectorSchemaRoot.create(values, clientMemory)) {
      call.getWriter().start(in);
      double total = 0;
      for (int turn = 1; turn <= 3; turn++) {
        fill(in, turn, turn * 10);
        call.getWriter().putNext();
        FlightStream reader = call.getReader();
        assertTrue(reader.next(), "an answer to turn " + turn);
        VectorSchemaRoot out = reader.getRoot();
        assertEquals(List.of("scaled", "total", "turn"), names(out.getSchema()));
        assertEquals(2, out.getRowCount());
        for (int i = 0; i < 2; i++) {
          double scaled = (i == 0 ? turn : turn * 10) * 2.0;
          total += scaled;
          assertEquals(scaled, ((Float8Vector) out.getVector("scaled")).get(i));
          assertEquals(total, ((Float8Vector) out.getVector("total")).get(i));
          assertEquals(turn, ((BigIntVector) out.getVector("turn")).get(i));
        }
        Map<?, ?> doc = appMetadata(reader.getLatestMetadata());
        logs.addAll(logMessages(doc));
        if (turn == 1) {
          header = (String) doc.get(ProducerPump.HEADER);
        } else {
          assertNull(doc.get(ProducerPump.HEADER), "the header comes once");
        }
      }
      call.getWriter().completed();
      assertFalse(call.getReader().next(), "the half-close ends the call");
    }
    assertEquals(List.of("opening", "turn 1", "turn 2", "turn 3"), logs);
    assertNotNull(header, "the header rides the first batch");
    try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(Base64.getDecoder().decode(header)),
        clientMemory).orElseThrow()) {
      assertTrue(reader.next());
      assertEquals("scale by 2.0", reader.root().getVector("title").getObject(0).toString());
    }
  }

  @Test
  void typedExchangeTakesANullableInputSchemaAsPyarrowWritesIt() throws Exception {
    Schema nullable = PutExchangeService.Impl.TAGGED_INPUT; // value: float64, nullable
    try (FlightClient.ExchangeReaderWriter call = client.doExchange(command("running", "{\"factor\": 1}"));
        VectorSchemaRoot in = VectorSchemaRoot.create(nullable, clientMemory)) {
      call.getWriter().start(in);
      fill(in, 4);
      call.getWriter().putNext();
      assertTrue(call.getReader().next());
      assertEquals(4.0, ((Float8Vector) call.getReader().getRoot().getVector("scaled")).get(0));
      call.getWriter().completed();
      assertFalse(call.getReader().next());
    }
  }

  @Test
  void exchangeByPathDescriptorAndIpcCommand() throws Exception {
    try (FlightClient.ExchangeReaderWriter call = client.doExchange(FlightDescriptor.path("PutExchange", "watched"));
        VectorSchemaRoot in = VectorSchemaRoot.create(values, clientMemory)) {
      call.getWriter().start(in);
      fill(in, 5);
      call.getWriter().putNext();
      assertTrue(call.getReader().next());
      assertEquals(5.0, ((Float8Vector) call.getReader().getRoot().getVector("value")).get(0));
      call.getWriter().completed();
      assertFalse(call.getReader().next());
    }
  }

  @Test
  void exchangeErrorMidStreamIsATypedStatusWithTheRemoteMessage() throws Exception {
    try (FlightClient.ExchangeReaderWriter call = client.doExchange(command("failOn", "{\"turn\": 2}"));
        VectorSchemaRoot in = VectorSchemaRoot.create(values, clientMemory)) {
      call.getWriter().start(in);
      fill(in, 1);
      call.getWriter().putNext();
      assertTrue(call.getReader().next());
      fill(in, 2);
      call.getWriter().putNext();
      FlightRuntimeException error = assertThrows(FlightRuntimeException.class, () -> call.getReader().next());
      assertEquals(FlightStatusCode.RESOURCE_EXHAUSTED, error.status().code());
      assertTrue(error.status().description().contains("no room at turn 2"), error.status().description());
      String logs = error.status().metadata().get(FlightErrors.LOGS);
      assertTrue(logs != null && logs.contains("about to fail"), String.valueOf(logs));
    }
  }

  @Test
  void inputAppMetadataBecomesTheBatchMetadataAndMetadataOnlyMessagesRunNoTurn() throws Exception {
    try (FlightClient.ExchangeReaderWriter call = client.doExchange(command("tagged", "{}"));
        VectorSchemaRoot in = VectorSchemaRoot.create(PutExchangeService.Impl.TAGGED_INPUT, clientMemory)) {
      call.getWriter().start(in);
      List<String> tags = new ArrayList<>();
      for (String appMetadata : new String[] {"{\"metadata\": {\"tag\": \"first\"}}", "not json", null}) {
        fill(in, 1);
        if (appMetadata == null) {
          call.getWriter().putNext();
        } else {
          byte[] bytes = appMetadata.getBytes(StandardCharsets.UTF_8);
          ArrowBuf buf = clientMemory.buffer(bytes.length);
          buf.setBytes(0, bytes);
          buf.writerIndex(bytes.length);
          call.getWriter().putNext(buf); // the writer takes ownership
        }
        assertTrue(call.getReader().next());
        tags.add(call.getReader().getRoot().getVector("tag").getObject(0).toString());
        byte[] only = "{\"metadata\": {\"tag\": \"ignored\"}}".getBytes(StandardCharsets.UTF_8);
        ArrowBuf metadataOnly = clientMemory.buffer(only.length);
        metadataOnly.setBytes(0, only);
        metadataOnly.writerIndex(only.length);
        call.getWriter().putMetadata(metadataOnly); // metadata-only: no turn, no answer
      }
      call.getWriter().completed();
      assertFalse(call.getReader().next());
      assertEquals(List.of("first", "", ""), tags);
    }
  }

  @Test
  void cancelReachesTheMethodAndReleasesTheCall() throws Exception {
    int before = PutExchangeService.Impl.CANCELS.get();
    try (FlightClient.ExchangeReaderWriter call = client.doExchange(command("watched", "{}"));
        VectorSchemaRoot in = VectorSchemaRoot.create(values, clientMemory)) {
      call.getWriter().start(in);
      fill(in, 1);
      call.getWriter().putNext();
      assertTrue(call.getReader().next());
      call.getReader().cancel("enough", null);
    } catch (FlightRuntimeException expected) {
      assertEquals(FlightStatusCode.CANCELLED, expected.status().code());
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (PutExchangeService.Impl.CANCELS.get() == before && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(PutExchangeService.Impl.CANCELS.get() > before, "the exchange heard the cancel");
  }

  @Test
  void exchangeRefusesWhatIsNoExchange() throws Exception {
    assertExchangeRefused(command("values", "{\"n\": 3}"), FlightStatusCode.INVALID_ARGUMENT, "DoGet");
    assertExchangeRefused(command("add", "{\"a\": 1, \"b\": 2}"), FlightStatusCode.INVALID_ARGUMENT, "DoAction");
    assertExchangeRefused(command("nope", "{}"), FlightStatusCode.NOT_FOUND, "nope");
    assertExchangeRefused(command("running", "{\"factor\": \"x\"}"), FlightStatusCode.INVALID_ARGUMENT, "factor");
    assertExchangeRefused(command("running", "{\"bogus\": 1}"), FlightStatusCode.INVALID_ARGUMENT, "bogus");
    assertExchangeRefused(FlightDescriptor.command("not json".getBytes(StandardCharsets.UTF_8)),
        FlightStatusCode.INVALID_ARGUMENT, "JSON");
  }

  @Test
  void closingTheServerEndsAnIdleExchangeAndReleasesItsMemory() throws Exception {
    RpcServer other = RpcServer.create(PutExchangeService.class, new PutExchangeService.Impl());
    FlightRpcServer closing = FlightRpcServer.builder(other).port(0).drainTimeout(java.time.Duration.ofMillis(200)).start();
    try (FlightClient idle = FlightClient.builder(clientMemory, closing.location()).build()) {
      FlightClient.ExchangeReaderWriter call = idle.doExchange(command("watched", "{}"));
      try (VectorSchemaRoot in = VectorSchemaRoot.create(values, clientMemory)) {
        call.getWriter().start(in);
        fill(in, 1);
        call.getWriter().putNext();
        assertTrue(call.getReader().next());
        closing.close(); // the exchange waits for input: the drain times out, the call is cancelled
        assertThrows(FlightRuntimeException.class, () -> call.getReader().next());
      }
      try {
        call.close();
      } catch (Exception ignored) {
        // the call is gone
      }
    } finally {
      closing.close();
      assertEquals(0, other.allocator().getAllocatedMemory(), "server memory");
      other.close();
    }
  }

  // ------------------------------------------------------------------ DoPut

  @Test
  void putAcksEachBatchWithItsOutputAsAnIpcStream() throws Exception {
    SyncPutListener acks = new SyncPutListener();
    List<String> logs = new ArrayList<>();
    try (VectorSchemaRoot in = VectorSchemaRoot.create(values, clientMemory)) {
      FlightClient.ClientStreamListener put = client.startPut(command("running", "{\"factor\": 3}"), in, acks);
      double total = 0;
      for (int turn = 1; turn <= 3; turn++) {
        fill(in, turn);
        put.putNext();
        try (PutResult ack = acks.read()) {
          assertNotNull(ack, "an ack for put " + turn);
          try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(bytes(ack.getApplicationMetadata())),
              clientMemory).orElseThrow()) {
            int data = 0;
            while (reader.next()) {
              if (LogBatches.classify(reader.root().getRowCount(), reader.metadata()) instanceof LogBatches.Log log) {
                logs.add(log.message().message());
                continue;
              }
              data++;
              total += turn * 3.0;
              assertEquals(1, reader.root().getRowCount());
              assertEquals(turn * 3.0, ((Float8Vector) reader.root().getVector("scaled")).get(0));
              assertEquals(total, ((Float8Vector) reader.root().getVector("total")).get(0));
            }
            assertEquals(1, data, "one output batch per ack");
            assertTrue(reader.ended(), "the ack is a whole stream");
          }
        }
      }
      put.completed();
      put.getResult();
    } finally {
      acks.close();
    }
    assertEquals(List.of("opening", "turn 1", "turn 2", "turn 3"), logs);
  }

  @Test
  void putOfATurnWithoutRowsAcksAZeroRowBatch() throws Exception {
    SyncPutListener acks = new SyncPutListener();
    try (VectorSchemaRoot in = VectorSchemaRoot.create(values, clientMemory)) {
      FlightClient.ClientStreamListener put = client.startPut(command("nothing", "{}"), in, acks);
      for (int turn = 1; turn <= 2; turn++) {
        fill(in, turn);
        put.putNext();
        try (PutResult ack = acks.read();
            IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(bytes(ack.getApplicationMetadata())),
                clientMemory).orElseThrow()) {
          assertTrue(reader.next());
          assertEquals(0, reader.root().getRowCount());
          assertFalse(reader.next());
        }
      }
      put.completed();
      put.getResult();
    } finally {
      acks.close();
    }
  }

  @Test
  void putErrorIsATypedStatus() throws Exception {
    SyncPutListener acks = new SyncPutListener();
    try (VectorSchemaRoot in = VectorSchemaRoot.create(values, clientMemory)) {
      FlightClient.ClientStreamListener put = client.startPut(command("failOn", "{\"turn\": 2}"), in, acks);
      fill(in, 1);
      put.putNext();
      try (PutResult ack = acks.read()) {
        assertNotNull(ack);
      }
      fill(in, 2);
      put.putNext();
      put.completed();
      FlightRuntimeException error = assertThrows(FlightRuntimeException.class, put::getResult);
      assertEquals(FlightStatusCode.RESOURCE_EXHAUSTED, error.status().code());
      assertTrue(error.status().description().contains("no room at turn 2"), error.status().description());
    } finally {
      acks.close();
    }
  }

  @Test
  void putRefusesWhatIsNoExchange() throws Exception {
    assertPutRefused(command("add", "{\"a\": 1, \"b\": 2}"), FlightStatusCode.INVALID_ARGUMENT, "DoAction");
    assertPutRefused(command("values", "{\"n\": 1}"), FlightStatusCode.INVALID_ARGUMENT, "DoGet");
    assertPutRefused(command("nope", "{}"), FlightStatusCode.NOT_FOUND, "nope");
    assertPutRefused(command("running", "{\"factor\": true}"), FlightStatusCode.INVALID_ARGUMENT, "factor");
  }

  // ------------------------------------------------------------------ helpers

  private void assertExchangeRefused(FlightDescriptor descriptor, FlightStatusCode code, String needle)
      throws Exception {
    try (FlightClient.ExchangeReaderWriter call = client.doExchange(descriptor)) {
      FlightRuntimeException error = assertThrows(FlightRuntimeException.class, () -> call.getReader().next());
      assertEquals(code, error.status().code(), error.status().description());
      assertTrue(error.status().description().contains(needle), error.status().description());
    }
  }

  private void assertPutRefused(FlightDescriptor descriptor, FlightStatusCode code, String needle) throws Exception {
    SyncPutListener acks = new SyncPutListener();
    try (VectorSchemaRoot in = VectorSchemaRoot.create(values, clientMemory)) {
      FlightClient.ClientStreamListener put = client.startPut(descriptor, in, acks);
      fill(in, 1);
      put.putNext();
      put.completed();
      FlightRuntimeException error = assertThrows(FlightRuntimeException.class, put::getResult);
      assertEquals(code, error.status().code(), error.status().description());
      assertTrue(error.status().description().contains(needle), error.status().description());
    } finally {
      acks.close();
    }
  }

  private static FlightDescriptor command(String method, String params) {
    return FlightDescriptor.command(("{\"method\": \"" + method + "\", \"params\": " + params + "}")
        .getBytes(StandardCharsets.UTF_8));
  }

  private Schema inputSchema(String method) {
    Map<?, ?> doc = (Map<?, ?>) Json.parse(new String(client.getInfo(FlightDescriptor.path("PutExchange", method))
        .getAppMetadata(), StandardCharsets.UTF_8));
    try {
      return IpcStreamReader.readSchemaMessage(Base64.getDecoder().decode((String) doc.get("input_schema")),
          WireLimits.DEFAULT);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void fill(VectorSchemaRoot root, double... values) {
    Float8Vector vector = (Float8Vector) root.getVector("value");
    vector.allocateNew(values.length);
    for (int i = 0; i < values.length; i++) {
      vector.set(i, values[i]);
    }
    root.setRowCount(values.length);
  }

  private static byte[] bytes(ArrowBuf buf) {
    byte[] bytes = new byte[(int) buf.readableBytes()];
    buf.getBytes(0, bytes);
    return bytes;
  }

  private static Map<?, ?> appMetadata(ArrowBuf buf) {
    assertNotNull(buf, "app metadata");
    return (Map<?, ?>) Json.parse(new String(bytes(buf), StandardCharsets.UTF_8));
  }

  private static List<String> logMessages(Map<?, ?> doc) {
    if (!(doc.get(ProducerPump.LOGS) instanceof List<?> list)) {
      return List.of();
    }
    return list.stream().map(entry -> (String) ((Map<?, ?>) entry).get("message")).toList();
  }

  private static List<String> names(Schema schema) {
    return schema.getFields().stream().map(f -> f.getName()).toList();
  }
}
