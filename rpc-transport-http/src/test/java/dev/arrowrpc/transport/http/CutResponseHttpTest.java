package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * A producer turn whose HTTP response is cut short at a message boundary (the server died after its
 * first batch, before the state sentinel and the end-of-stream marker): the client reports a
 * TransportError instead of taking the missing sentinel for the end of the stream.
 */
class CutResponseHttpTest {
  /** Keeps the schema and the first batch of an Arrow stream, and drops the rest and the marker. */
  private static byte[] cutAfterFirstBatch(byte[] body, BufferAllocator memory) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(body), memory).orElseThrow()) {
      try (IpcStreamWriter writer = IpcStreamWriter.start(out, reader.root().getSchema())) {
        if (reader.next()) {
          writer.write(reader.root(), reader.metadata());
        }
      }
    }
    byte[] whole = out.toByteArray();
    return Arrays.copyOf(whole, whole.length - 8); // without the end-of-stream marker
  }

  @Test
  void aProducerTurnCutShortIsATransportErrorNotAnEarlyEnd() throws Exception {
    try (BufferAllocator serverMemory = new RootAllocator();
        RpcServer rpc = RpcServer.builder(StreamService.class, new StreamService.Impl()).allocator(serverMemory).build();
        HttpRpcServer http = HttpRpcServer.builder(rpc).signingKey(HttpHarness.KEY).start();
        BufferAllocator scratch = new RootAllocator();
        BufferAllocator clientMemory = new RootAllocator()) {
      HttpTransport real = HttpRpc.builder(http.url()).transport();
      RequestTransport cutting = new RequestTransport() {
        @Override
        public InputStream call(String protocol, String method, Kind kind, byte[] body) throws IOException {
          InputStream response = real.call(protocol, method, kind, body);
          if (kind != Kind.TURN) {
            return response;
          }
          byte[] whole;
          try (InputStream in = response) {
            whole = in.readAllBytes();
          }
          return new ByteArrayInputStream(cutAfterFirstBatch(whole, scratch));
        }

        @Override
        public void close() throws IOException {
          real.close();
        }
      };
      List<Long> seen = new ArrayList<>();
      try (RpcClient client = RpcClient.builder(cutting).allocator(clientMemory).build();
          Producer<StreamService.Row> rows = client.proxy(StreamService.class).count(5)) {
        RpcException error = assertThrows(RpcException.class, () -> rows.forEach(r -> seen.add(r.n())),
            () -> "the stream ended after " + seen);
        assertEquals("TransportError", error.errorType(), error.getMessage());
      }
      assertEquals(0, clientMemory.getAllocatedMemory());
    }
  }
}
