package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.shm.ShmBatches;
import dev.arrowrpc.core.shm.ShmConnection;
import dev.arrowrpc.core.spi.ServiceOutline;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server side of the shared-memory side channel, driven by crafted requests on one connection:
 * what {@code __transport_options__} says, the segment a request names being attached, large
 * answers of calls that use it going through it, pointer requests being resolved, and the errors of
 * a pointer without a segment and of a segment that cannot be attached.
 */
@Timeout(60)
class ShmServerTest {
  /** The service. */
  @RpcService
  public interface Big {
    /** Returns its argument. */
    String echo(String s);
  }

  /** Echoes. */
  public static final class BigImpl implements Big {
    @Override
    public String echo(String s) {
      return s;
    }
  }

  /** One batch of an answer: its rows, metadata, and the echoed string (resolved when a pointer). */
  record Seen(int rows, Map<String, String> metadata, Optional<String> value) {}

  private static final String LARGE = "x".repeat(300_000);

  private BufferAllocator serverMemory;
  private BufferAllocator memory;
  private RpcServer server;
  private ServiceOutline.Method echo;

  @BeforeEach
  void setUp() {
    serverMemory = new RootAllocator();
    memory = new RootAllocator();
    server = RpcServer.builder(Big.class, new BigImpl()).allocator(serverMemory).build();
    echo = server.outline().methods().stream().filter(m -> m.name().equals("echo")).findFirst().orElseThrow();
  }

  @AfterEach
  void tearDown() throws IOException {
    server.close();
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
    serverMemory.close();
    assertEquals(0, ShmTesting.ourSegments(), "segments left in /dev/shm");
  }

  @Test
  void transportOptionsSayWhetherTheConnectionCanShareMemory() throws IOException {
    byte[] request = optionsRequest();
    List<Seen> plain = serve(request, Optional.empty(), false);
    assertEquals("false", plain.get(0).metadata().get(MetadataKeys.TRANSPORT_SHM), "no side channel: false");
    List<Seen> shared = serve(request, Optional.empty(), true);
    assertEquals("true", shared.get(0).metadata().get(MetadataKeys.TRANSPORT_SHM), "on a pipe: true");
    assertEquals(0, shared.get(0).rows());
  }

  @Test
  void largeAnswersOfCallsThatNameTheSegmentGoThroughIt() throws IOException {
    try (ShmSegment segment = ShmSegment.create(4 << 20)) {
      ByteArrayOutputStream requests = new ByteArrayOutputStream();
      requests.write(echoRequest(LARGE, segmentKeys(segment)));
      requests.write(echoRequest("small", segmentKeys(segment)));
      requests.write(echoRequest(LARGE, Map.of())); // attached, but this call does not use it
      List<Seen> answers = serve(requests.toByteArray(), Optional.of(segment), true);
      assertEquals(3, answers.size());
      Seen large = answers.get(0);
      assertEquals(0, large.rows(), "a pointer");
      assertTrue(large.metadata().containsKey(MetadataKeys.SHM_OFFSET), large.metadata().toString());
      assertEquals(Optional.of(LARGE), large.value());
      assertEquals(1, answers.get(1).rows(), "a small answer stays inline");
      assertEquals(Optional.of("small"), answers.get(1).value());
      assertEquals(1, answers.get(2).rows(), "a call that does not use the segment is answered inline");
      assertEquals(0, segment.allocations(), "the client freed what it read");
    }
  }

  @Test
  void aRequestThatIsAPointerIsResolvedAndFreed() throws IOException {
    try (ShmSegment segment = ShmSegment.create(4 << 20)) {
      Map<String, String> metadata = new LinkedHashMap<>(requestKeys("echo"));
      metadata.putAll(segmentKeys(segment));
      byte[] request;
      try (VectorSchemaRoot params = stringParams(LARGE)) {
        Map<String, String> pointer = ShmBatches.write(segment, echo.params(), Batch.of(params), metadata)
            .orElseThrow();
        request = emptyBatchStream(echo.params(), pointer);
      }
      assertEquals(1, segment.allocations());
      List<Seen> answers = serve(request, Optional.of(segment), true);
      assertEquals(Optional.of(LARGE), answers.get(0).value());
      assertEquals(0, segment.allocations(), "the server freed the request, the client the answer");
    }
  }

  @Test
  void aPointerWithoutASegmentAndASegmentThatCannotBeAttachedAreErrors() throws IOException {
    Map<String, String> pointer = new LinkedHashMap<>(requestKeys("echo"));
    pointer.put(MetadataKeys.SHM_OFFSET, "65536");
    pointer.put(MetadataKeys.SHM_LENGTH, "100");
    Map<String, String> missing = new LinkedHashMap<>(requestKeys("echo"));
    missing.put(MetadataKeys.SHM_SEGMENT_NAME, "vgi_no_such_segment");
    missing.put(MetadataKeys.SHM_SEGMENT_SIZE, "4194304");
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    requests.write(emptyBatchStream(echo.params(), pointer));
    requests.write(emptyBatchStream(echo.params(), missing));
    requests.write(echoRequest("still in step", Map.of()));
    List<Seen> answers = serve(requests.toByteArray(), Optional.empty(), true);
    assertEquals(3, answers.size());
    String first = answers.get(0).metadata().get(MetadataKeys.LOG_MESSAGE);
    assertTrue(first.contains("the batch is a shared-memory pointer, but no shared-memory segment is attached"),
        first);
    String second = answers.get(1).metadata().get(MetadataKeys.LOG_MESSAGE);
    assertTrue(second.contains("cannot attach the shared-memory segment 'vgi_no_such_segment'")
        && second.contains("no shared-memory segment named 'vgi_no_such_segment'"), second);
    assertEquals(Optional.of("still in step"), answers.get(2).value());
  }

  // ------------------------------------------------------------------ crafting and reading

  /** Serves the requests on this thread, with or without a side channel, and reads every answer batch. */
  private List<Seen> serve(byte[] requests, Optional<ShmSegment> segment, boolean shm) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (shm) {
      try (ShmConnection connection = ShmConnection.open(ShmSegment::attach)) {
        server.serve(new ByteArrayInputStream(requests), out);
      }
      assertFalse(ShmConnection.current().isPresent(), "closed with the connection");
    } else {
      server.serve(new ByteArrayInputStream(requests), out);
    }
    List<Seen> seen = new ArrayList<>();
    InputStream in = new ByteArrayInputStream(out.toByteArray());
    for (Optional<IpcStreamReader> next = IpcStreamReader.open(in, memory); next.isPresent();
        next = IpcStreamReader.open(in, memory)) {
      try (IpcStreamReader reader = next.get()) {
        while (reader.next()) {
          int rows = reader.root().getRowCount();
          Map<String, String> metadata = reader.metadata();
          if (ShmBatches.isPointer(rows, metadata)) {
            try (IpcStreamReader resolved = ShmBatches.resolve(reader, segment.orElseThrow(), memory)) {
              seen.add(new Seen(rows, metadata, Optional.of(result(resolved.root()))));
            }
          } else {
            seen.add(new Seen(rows, metadata, rows == 1 ? Optional.of(result(reader.root())) : Optional.empty()));
          }
        }
      }
    }
    // the answers are read: this side (the client) holds the turn, and frees what it released
    segment.ifPresent(ShmBatches::freeReleased);
    return seen;
  }

  private static String result(VectorSchemaRoot root) {
    return new String(((VarCharVector) root.getVector("result")).get(0), StandardCharsets.UTF_8);
  }

  private Map<String, String> requestKeys(String method) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.METHOD, method);
    metadata.put(MetadataKeys.PROTOCOL, server.outline().protocolName());
    metadata.put(MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE);
    return metadata;
  }

  private static Map<String, String> segmentKeys(ShmSegment segment) {
    return Map.of(MetadataKeys.SHM_SEGMENT_NAME, segment.name(),
        MetadataKeys.SHM_SEGMENT_SIZE, Long.toString(segment.size()));
  }

  private VectorSchemaRoot stringParams(String value) {
    VectorSchemaRoot root = VectorSchemaRoot.create(echo.params(), memory);
    ((VarCharVector) root.getVector("s")).setSafe(0, value.getBytes(StandardCharsets.UTF_8));
    root.setRowCount(1);
    return root;
  }

  private byte[] echoRequest(String value, Map<String, String> extra) throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>(requestKeys("echo"));
    metadata.putAll(extra);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (VectorSchemaRoot params = stringParams(value);
        IpcStreamWriter writer = IpcStreamWriter.start(bytes, echo.params())) {
      writer.write(params, metadata);
    }
    return bytes.toByteArray();
  }

  private byte[] optionsRequest() throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>(requestKeys("__transport_options__"));
    metadata.put(MetadataKeys.TRANSPORT_SHM, "true");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(MethodSpec.EMPTY_SCHEMA, memory);
        IpcStreamWriter writer = IpcStreamWriter.start(bytes, MethodSpec.EMPTY_SCHEMA)) {
      root.setRowCount(1);
      writer.write(root, metadata);
    }
    return bytes.toByteArray();
  }

  private byte[] emptyBatchStream(Schema schema, Map<String, String> metadata) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, memory);
        IpcStreamWriter writer = IpcStreamWriter.start(bytes, schema)) {
      root.setRowCount(0);
      writer.write(root, metadata);
    }
    return bytes.toByteArray();
  }
}
