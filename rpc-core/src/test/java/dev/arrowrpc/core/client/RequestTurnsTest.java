package dev.arrowrpc.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.schema.RecordSchema;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request/response carrier against a scripted transport: what kind of request each step is,
 * the tokens each turn echoes (and never shows the application), a cancel that is a request of its
 * own, and a transport's refusal reaching the caller as it was raised; memory is empty after each.
 */
class RequestTurnsTest {
  /** A row of the producer. */
  public record Row(long n) {}

  @RpcService(name = "Scripted")
  public interface Scripted {
    Producer<Row> count(long n);

    long ping(long value);
  }

  /** One request the transport saw. */
  record Seen(String protocol, String method, RequestTransport.Kind kind, Map<String, String> metadata) {}

  /** Answers each request with the next scripted answer, recording the requests. */
  private static final class Script implements RequestTransport {
    final List<Seen> seen = new ArrayList<>();
    final List<byte[]> answers = new ArrayList<>();
    private final BufferAllocator memory;
    RuntimeException refusal;

    Script(BufferAllocator memory) {
      this.memory = memory;
    }

    @Override
    public InputStream call(String protocol, String method, Kind kind, byte[] body) throws IOException {
      Map<String, String> metadata = Map.of();
      try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(body), memory).orElseThrow()) {
        if (reader.next()) {
          metadata = reader.metadata();
        }
        reader.drain();
      }
      seen.add(new Seen(protocol, method, kind, metadata));
      if (refusal != null) {
        throw refusal;
      }
      return new ByteArrayInputStream(answers.remove(0));
    }

    @Override
    public void close() {}
  }

  private static final RecordSchema ROWS =
      ServiceSpec.of(Scripted.class).methods().get("count").output().orElseThrow();

  private BufferAllocator serverMemory;
  private BufferAllocator clientMemory;
  private Script transport;

  @BeforeEach
  void start() {
    serverMemory = new RootAllocator();
    clientMemory = new RootAllocator();
    transport = new Script(serverMemory);
  }

  @AfterEach
  void stop() {
    assertEquals(0, clientMemory.getAllocatedMemory(), "client memory after the test");
    clientMemory.close();
    serverMemory.close();
  }

  /** An answer: the rows as one batch (when any), then a sentinel with the tokens (when any). */
  private byte[] answer(List<Row> rows, Map<String, String> sentinel) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (IpcStreamWriter writer = IpcStreamWriter.start(out, ROWS.schema())) {
      if (!rows.isEmpty()) {
        try (Batch batch = ROWS.encode(rows, serverMemory)) {
          writer.write(batch, Map.of());
        }
      }
      if (!sentinel.isEmpty()) {
        try (VectorSchemaRoot empty = VectorSchemaRoot.create(ROWS.schema(), serverMemory)) {
          empty.setRowCount(0);
          writer.write(empty, sentinel);
        }
      }
    }
    return out.toByteArray();
  }

  @Test
  void aProducerOpensThenTurnsEchoingItsTokensUntilNoSentinelComes() throws Exception {
    transport.answers.add(answer(List.of(new Row(1), new Row(2)),
        Map.of(MetadataKeys.STREAM_STATE, "c1", MetadataKeys.CALL_STATE, "k1")));
    transport.answers.add(answer(List.of(new Row(3)), Map.of(MetadataKeys.STREAM_STATE, "c2")));
    transport.answers.add(answer(List.of(new Row(4)), Map.of()));
    List<Long> rows = new ArrayList<>();
    try (RpcClient client = RpcClient.builder(transport).allocator(clientMemory).build();
        Producer<Row> count = client.proxy(Scripted.class).count(4)) {
      count.forEach(row -> rows.add(row.n()));
    }
    assertEquals(List.of(1L, 2L, 3L, 4L), rows);
    List<RequestTransport.Kind> kinds = transport.seen.stream().map(Seen::kind).toList();
    assertEquals(List.of(RequestTransport.Kind.INIT, RequestTransport.Kind.TURN, RequestTransport.Kind.TURN), kinds);
    assertTrue(transport.seen.stream().allMatch(s -> s.protocol().equals("Scripted") && s.method().equals("count")));
    assertEquals("c1", transport.seen.get(1).metadata().get(MetadataKeys.STREAM_STATE));
    assertEquals("k1", transport.seen.get(1).metadata().get(MetadataKeys.CALL_STATE));
    assertEquals("c2", transport.seen.get(2).metadata().get(MetadataKeys.STREAM_STATE));
    assertEquals("k1", transport.seen.get(2).metadata().get(MetadataKeys.CALL_STATE), "the call token is echoed unchanged");
    assertFalse(transport.seen.get(2).metadata().containsKey(MetadataKeys.CANCEL));
  }

  @Test
  void closingAnUnfinishedProducerSendsACancelTurnWithItsTokens() throws Exception {
    transport.answers.add(answer(List.of(new Row(1)), Map.of(MetadataKeys.STREAM_STATE, "c1", MetadataKeys.CALL_STATE, "k1")));
    transport.answers.add(answer(List.of(), Map.of()));
    try (RpcClient client = RpcClient.builder(transport).allocator(clientMemory).build();
        Producer<Row> count = client.proxy(Scripted.class).count(9)) {
      Iterator<Row> rows = count.iterator();
      assertEquals(1L, rows.next().n());
    }
    assertEquals(2, transport.seen.size());
    Seen cancel = transport.seen.get(1);
    assertEquals(RequestTransport.Kind.TURN, cancel.kind());
    assertEquals("1", cancel.metadata().get(MetadataKeys.CANCEL));
    assertEquals("c1", cancel.metadata().get(MetadataKeys.STREAM_STATE));
    assertEquals("k1", cancel.metadata().get(MetadataKeys.CALL_STATE));
  }

  @Test
  void aFinishedProducerIsClosedWithoutARequest() throws Exception {
    transport.answers.add(answer(List.of(new Row(1)), Map.of()));
    try (RpcClient client = RpcClient.builder(transport).allocator(clientMemory).build();
        Producer<Row> count = client.proxy(Scripted.class).count(1)) {
      assertEquals(1L, count.iterator().next().n());
    }
    assertEquals(1, transport.seen.size());
  }

  @Test
  void aTransportsRefusalReachesTheCallerAsRaised() {
    transport.refusal = new RpcException("PayloadTooLarge", "too big");
    try (RpcClient client = RpcClient.builder(transport).allocator(clientMemory).build()) {
      Scripted proxy = client.proxy(Scripted.class);
      RpcException unary = assertThrows(RpcException.class, () -> proxy.ping(1));
      assertEquals("PayloadTooLarge", unary.errorType());
      RpcException stream = assertThrows(RpcException.class, () -> proxy.count(1));
      assertEquals("PayloadTooLarge", stream.errorType());
    }
    assertEquals(List.of(RequestTransport.Kind.UNARY, RequestTransport.Kind.INIT),
        transport.seen.stream().map(Seen::kind).toList());
    assertEquals(Optional.of("ping"), transport.seen.stream().map(Seen::method).findFirst());
  }
}
