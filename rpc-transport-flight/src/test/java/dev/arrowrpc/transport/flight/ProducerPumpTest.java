package dev.arrowrpc.transport.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.BatchOutput;
import dev.arrowrpc.core.BatchState;
import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.InputBatch;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.runtime.RpcServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DoGet pump's flow control: a reader that stops holds the producer back (gRPC readiness), and a
 * reader that keeps up is not slowed by the waits for readiness (Flight queues the on-ready callback
 * behind {@code getStream}, so the pump polls).
 */
class ProducerPumpTest {
  /** 64k int64 rows: 512 KiB a batch, far above gRPC's 32 KiB on-ready threshold. */
  private static final int ROWS = 1 << 16;
  private static final Schema WIDE = new Schema(List.of(
      new Field("n", FieldType.notNullable(new ArrowType.Int(64, true)), null)));
  private static final AtomicLong PRODUCED = new AtomicLong();

  /** A producer of wide batches that counts the batches it made. */
  @RpcService(name = "Pumped", version = "1.0.0")
  public interface Pumped {
    /**
     * Produces {@code batches} batches of 64k int64 rows.
     *
     * @param batches how many
     * @return the stream
     */
    BatchStream wide(long batches);
  }

  /** The implementation. */
  public static final class PumpedImpl implements Pumped {
    @Override
    public BatchStream wide(long batches) {
      return BatchStream.producer(WIDE, new Wide(batches));
    }
  }

  /** The state: how many batches are left. */
  public static final class Wide implements BatchState {
    long left;

    /** For the state codec. */
    public Wide() {}

    Wide(long left) {
      this.left = left;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      if (left-- <= 0) {
        out.finish();
        return;
      }
      VectorSchemaRoot batch = out.newBatch();
      BigIntVector n = (BigIntVector) batch.getVector(0);
      n.allocateNew(ROWS);
      for (int i = 0; i < ROWS; i++) {
        n.set(i, i);
      }
      batch.setRowCount(ROWS);
      PRODUCED.incrementAndGet();
      out.emit(batch);
    }
  }

  private RpcServer rpc;
  private FlightRpcServer server;
  private BufferAllocator clientMemory;
  private FlightClient client;

  @BeforeEach
  void start() {
    rpc = RpcServer.create(Pumped.class, new PumpedImpl());
    server = FlightRpcServer.builder(rpc).port(0).start();
    clientMemory = new RootAllocator();
    client = FlightClient.builder(clientMemory, server.location()).build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    assertEquals(0, clientMemory.getAllocatedMemory(), "client memory");
    clientMemory.close();
    server.close();
    assertEquals(0, rpc.allocator().getAllocatedMemory(), "server memory");
    rpc.close();
  }

  private static Ticket ticket(long batches) {
    return new Ticket(("{\"method\": \"wide\", \"params\": {\"batches\": " + batches + "}}")
        .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aReaderThatStopsHoldsTheProducerBack() throws Exception {
    long before = PRODUCED.get();
    try (FlightStream stream = client.getStream(ticket(10_000))) {
      assertTrue(stream.next());
      Thread.sleep(500);
      long ahead = PRODUCED.get() - before;
      // gRPC's windows hold a few MiB: 5 GiB of batches must not have been made
      assertTrue(ahead < 200, "the producer ran " + ahead + " batches ahead of a stopped reader");
      stream.cancel("enough", null);
    }
  }

  @Test
  void aReaderThatKeepsUpGetsEveryBatch() throws Exception {
    // 200 MiB through gRPC's flow control: the pump waits for readiness many times and loses nothing
    // (its speed is the benchmarks' business: benchmarks/run.sh, the Flight DoGet row)
    int batches = 400;
    long rows = 0;
    int messages = 0;
    try (FlightStream stream = client.getStream(ticket(batches))) {
      while (stream.next()) {
        rows += stream.getRoot().getRowCount();
        messages++;
      }
    }
    assertEquals((long) batches * ROWS, rows);
    assertEquals(batches, messages);
  }
}
