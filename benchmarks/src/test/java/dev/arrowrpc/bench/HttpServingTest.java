package dev.arrowrpc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.transport.http.HttpRpc;
import dev.arrowrpc.transport.http.HttpRpcServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's services over HTTP, where every stream turn is a request of its own and the
 * stream's state travels in a signed token: the states must serialize.
 */
class HttpServingTest {
  private static final byte[] KEY = new byte[32];

  @Test
  void benchServiceStreamsWorkOverHttp() throws Exception {
    try (RpcServer rpc = RpcServer.create(BenchService.class, new BenchServiceImpl());
        HttpRpcServer http = HttpRpcServer.builder(rpc).signingKey(KEY).start();
        RpcClient client = HttpRpc.connect(http.url())) {
      BenchService service = client.proxy(BenchService.class);
      service.noop();
      List<Long> squares = new ArrayList<>();
      try (Producer<BenchService.Tick> ticks = service.ticks(4)) {
        ticks.forEach(tick -> squares.add(tick.square()));
      }
      assertEquals(List.of(0L, 1L, 4L, 9L), squares);
      try (Exchange<BenchService.Sample, BenchService.Scaled> scale = service.scale(3)) {
        for (int i = 1; i <= 3; i++) {
          assertEquals(3.0 * i, scale.exchange(List.of(new BenchService.Sample(i))).get(0).scaled());
        }
      }
      try (VectorSchemaRoot batch = BulkData.create(1000, client.allocator());
          BatchStream echo = service.echo_batches()) {
        for (int i = 0; i < 2; i++) {
          assertEquals(1000, echo.exchange(batch).getRowCount());
        }
      }
    }
  }

  @Test
  void conformancePeerStreamsWorkOverHttp() throws Exception {
    Schema value = new Schema(List.of(
        Field.nullable("value", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));
    try (RpcServer rpc = RpcServer.create(ConformancePeer.class, new ConformancePeerImpl());
        HttpRpcServer http = HttpRpcServer.builder(rpc).signingKey(KEY).start();
        RpcClient client = HttpRpc.connect(http.url())) {
      ConformancePeer peer = client.proxy(ConformancePeer.class);
      List<Long> values = new ArrayList<>();
      try (BatchStream produce = peer.produce_n(3)) {
        for (var batch = produce.tick(); batch.isPresent(); batch = produce.tick()) {
          values.add(((BigIntVector) batch.get().getVector(1)).get(0));
        }
      }
      assertEquals(List.of(0L, 10L, 20L), values);
      try (VectorSchemaRoot input = VectorSchemaRoot.create(value, client.allocator());
          BatchStream scale = peer.exchange_scale(2.5)) {
        ((Float8Vector) input.getVector(0)).setSafe(0, 4.0);
        input.setRowCount(1);
        for (int i = 0; i < 2; i++) {
          assertEquals(10.0, ((Float8Vector) scale.exchange(input).getVector(0)).get(0));
        }
      }
    }
  }

  @Test
  void httpAddressDefaultsToLoopbackAndAnyPort() {
    assertEquals(new InetSocketAddress("127.0.0.1", 0), BenchWorker.httpAddress(List.of("--http")));
    assertEquals(new InetSocketAddress("127.0.0.1", 8080), BenchWorker.httpAddress(List.of("--http", "8080")));
    assertEquals(new InetSocketAddress("0.0.0.0", 9000), BenchWorker.httpAddress(List.of("--http", "0.0.0.0:9000")));
  }
}
