package dev.arrowrpc.core.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Request bodies that are pointer batches, through the request/response engine (as HTTP drives it). */
class InboundPointerTest {
  @RpcService(name = "Seam")
  public interface Seam {
    long answer();
  }

  public static final class Impl implements Seam {
    @Override
    public long answer() {
      return 42;
    }
  }

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

  private static final RequestEngine.Caller CALLER =
      new RequestEngine.Caller(Identity.ANONYMOUS, "0123456789abcdef", "");

  private BufferAllocator memory;
  private RpcServer server;
  private RequestEngine handler;
  private MemoryStorage storage;

  @BeforeEach
  void start() {
    memory = new RootAllocator();
    storage = new MemoryStorage();
    server = RpcServer.builder(Seam.class, new Impl()).allocator(memory)
        .external(ExternalLocations.of(storage, storage).withThreshold(1 << 20)).build();
    handler = server.requestEngine(PLAIN);
  }

  @AfterEach
  void stop() {
    assertEquals(0, memory.getAllocatedMemory());
    server.close();
    memory.close();
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

  private static Map<String, String> request() {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.METHOD, "answer");
    metadata.put(MetadataKeys.PROTOCOL, "Seam");
    metadata.put(MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE);
    return metadata;
  }

  private byte[] pointerTo(String url, Optional<String> sha256) throws IOException {
    Map<String, String> metadata = request();
    metadata.putAll(PointerBatches.pointerMetadata(url, sha256));
    return stream(metadata, 0);
  }

  private record Answer(RequestEngine.Outcome status, List<String> batches) {}

  private Answer post(byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RequestEngine.Outcome status = handler.handle(RequestEngine.Route.UNARY, "Seam", "answer",
        new ByteArrayInputStream(body), out, CALLER);
    List<String> batches = new ArrayList<>();
    try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(out.toByteArray()), memory)
        .orElseThrow()) {
      while (reader.next()) {
        LogBatches.Kind kind = LogBatches.classify(reader.root().getRowCount(), reader.metadata());
        batches.add(kind instanceof LogBatches.Error e ? "error " + e.error().getMessage()
            : "data " + reader.root().getRowCount());
      }
    }
    return new Answer(status, batches);
  }

  @Test
  void aPointerRequestIsResolvedBeforeDispatch() throws IOException {
    byte[] original = stream(request(), 1);
    String url = storage.upload(original);
    Answer answer = post(pointerTo(url, Optional.of(PointerBatches.sha256(original))));
    assertEquals(RequestEngine.Outcome.OK, answer.status());
    assertEquals(List.of("data 1"), answer.batches());
  }

  @Test
  void aMissingObjectIsAMethodErrorAndTheServerStaysUsable() throws IOException {
    Answer answer = post(pointerTo("https://store.example/missing?X-Amz-Signature=topsecret", Optional.empty()));
    assertEquals(RequestEngine.Outcome.METHOD_ERROR, answer.status());
    assertEquals(1, answer.batches().size());
    assertTrue(answer.batches().get(0).startsWith("error "), answer.batches().get(0));
    assertFalse(answer.batches().get(0).contains("topsecret"), "diagnostics never carry the signature");
    assertEquals(List.of("data 1"), post(stream(request(), 1)).batches());
  }

  @Test
  void aWrongDigestIsRefusedBeforeDispatch() throws IOException {
    String url = storage.upload(stream(request(), 1));
    Answer answer = post(pointerTo(url, Optional.of("0".repeat(64))));
    assertEquals(RequestEngine.Outcome.METHOD_ERROR, answer.status());
    assertTrue(answer.batches().get(0).contains("checksum"), answer.batches().get(0));
  }
}
