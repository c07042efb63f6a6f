package dev.arrowrpc.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.StreamHeader;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import dev.arrowrpc.core.wire.LogBatches;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * The framing of a stream the server refuses in place of its header, against a server that frames
 * it as the reference does: it answers the request with an error stream, then reads and discards
 * exactly one input stream before the next request. The client must send that input stream (an
 * empty one), or the server takes the client's next request for it and the connection hangs.
 */
class RefusedStreamFramingTest {
  /** The header the refused stream declares. */
  public record Banner(String text) {}

  /** A row of the exchange. */
  public record Item(long value) {}

  @RpcService(name = "Framing")
  public interface Framing {
    @StreamHeader(Banner.class)
    Exchange<Item, Item> guarded();

    long ping(long value);
  }

  private static final Schema RESULT = new Schema(List.of(Field.notNullable("result", new ArrowType.Int(64, true))));

  @Test
  void aRefusedHeaderStreamIsCompletedWithAnEmptyInputStream() throws Exception {
    PipedOutputStream toServer = new PipedOutputStream();
    PipedInputStream serverIn = new PipedInputStream(toServer, 1 << 16);
    PipedOutputStream toClient = new PipedOutputStream();
    PipedInputStream clientIn = new PipedInputStream(toClient, 1 << 16);
    List<String> seen = new ArrayList<>();
    try (BufferAllocator serverMemory = new RootAllocator(); BufferAllocator clientMemory = new RootAllocator()) {
      CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
        try {
          referenceLikeServer(serverIn, toClient, serverMemory, seen);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      ByteTransport transport = new ByteTransport() {
        @Override
        public InputStream input() {
          return clientIn;
        }

        @Override
        public OutputStream output() {
          return toServer;
        }

        @Override
        public void close() throws IOException {
          toServer.close();
          clientIn.close();
        }
      };
      try (RpcClient client = RpcClient.builder(transport).allocator(clientMemory).build()) {
        Framing framing = client.proxy(Framing.class);
        RpcException refused = assertThrows(RpcException.class, framing::guarded);
        assertEquals("ValueError", refused.errorType());
        long answer = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> framing.ping(21));
        assertEquals(42, answer, "the next call is answered: both sides are in step");
      }
      server.get();
      assertEquals(List.of("request guarded", "input stream with 0 batches", "request ping"), seen);
      assertEquals(0, clientMemory.getAllocatedMemory());
    }
  }

  /** Answers 'guarded' with an error and then drains one stream; answers 'ping' with twice its value. */
  private static void referenceLikeServer(InputStream in, OutputStream out, BufferAllocator memory, List<String> seen)
      throws IOException {
    boolean drainNext = false;
    while (true) {
      Optional<IpcStreamReader> opened = IpcStreamReader.open(in, memory);
      if (opened.isEmpty()) {
        out.close();
        return;
      }
      try (IpcStreamReader reader = opened.get()) {
        if (drainNext) {
          int batches = 0;
          while (reader.next()) {
            batches++;
          }
          seen.add("input stream with " + batches + " batches");
          drainNext = false;
          continue;
        }
        assertTrue(reader.next());
        Map<String, String> metadata = reader.metadata();
        String method = metadata.get(MetadataKeys.METHOD);
        seen.add("request " + method);
        assertEquals("Framing", metadata.get(MetadataKeys.PROTOCOL));
        if (method.equals("guarded")) {
          reader.drain();
          try (IpcStreamWriter writer = IpcStreamWriter.start(out, MethodSpec.EMPTY_SCHEMA);
              VectorSchemaRoot empty = VectorSchemaRoot.create(MethodSpec.EMPTY_SCHEMA, memory)) {
            writer.write(empty, LogBatches.error(new IllegalArgumentException("not today"), "aaaaaaaaaaaa", "r1"));
          }
          out.flush();
          drainNext = true;
        } else {
          long value = ((BigIntVector) reader.root().getVector(0)).get(0);
          reader.drain();
          try (IpcStreamWriter writer = IpcStreamWriter.start(out, RESULT);
              VectorSchemaRoot root = VectorSchemaRoot.create(RESULT, memory)) {
            ((BigIntVector) root.getVector(0)).setSafe(0, value * 2);
            root.setRowCount(1);
            writer.write(root, Map.of());
          }
          out.flush();
        }
      }
      assertFalse(seen.isEmpty());
    }
  }
}
