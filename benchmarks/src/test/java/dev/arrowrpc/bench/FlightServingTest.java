package dev.arrowrpc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.transport.flight.FlightRpc;
import dev.arrowrpc.transport.flight.FlightRpcServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * The Flight rows' operations, in process: the benchmark service over {@code FlightRpcServer} (the
 * typed client, and a stock {@code FlightClient} reading the {@code rows} producer with DoGet) and
 * the bare Flight server of the raw baselines. Every allocator ends empty.
 */
class FlightServingTest {

  @Test
  void benchServiceOverFlight() throws Exception {
    try (BufferAllocator allocator = new RootAllocator(Long.MAX_VALUE)) {
      try (RpcServer rpc = RpcServer.create(BenchService.class, new BenchServiceImpl());
          FlightRpcServer flight = FlightRpcServer.builder(rpc).host("127.0.0.1").start();
          RpcClient client = FlightRpc.builder(flight.location()).allocator(allocator).build();
          FlightClient stock = FlightClient.builder(allocator, flight.location()).build()) {
        BenchService service = client.proxy(BenchService.class);
        service.noop();
        try (VectorSchemaRoot batch = BulkData.create(10_000, allocator);
            BatchStream echo = service.echo_batches()) {
          for (int i = 0; i < 2; i++) {
            assertEquals(10_000, echo.exchange(batch).getRowCount());
          }
        }
        // a stock DoGet of the rows producer: 3 full batches and a partial one, the template's rows
        long total = 3L * BulkData.MAX_TEMPLATE_ROWS + 123;
        Ticket ticket = new Ticket(("{\"method\": \"rows\", \"params\": {\"total\": " + total + ", \"batch\": "
            + BulkData.MAX_TEMPLATE_ROWS + "}}").getBytes(StandardCharsets.UTF_8));
        List<Integer> sizes = new ArrayList<>();
        try (FlightStream stream = stock.getStream(ticket)) {
          assertEquals(BulkData.SCHEMA, stream.getSchema());
          while (stream.next()) {
            VectorSchemaRoot root = stream.getRoot();
            sizes.add(root.getRowCount());
            int last = root.getRowCount() - 1;
            assertEquals(last, ((BigIntVector) root.getVector(0)).get(last));
            assertEquals("row-" + last, new String(((VarCharVector) root.getVector(2)).get(last), StandardCharsets.UTF_8));
          }
        }
        assertEquals(List.of(BulkData.MAX_TEMPLATE_ROWS, BulkData.MAX_TEMPLATE_ROWS, BulkData.MAX_TEMPLATE_ROWS, 123),
            sizes);
        long[] first = new long[1];
        assertEquals(total, RawFlight.readAll(stock, ticket, nanos -> first[0] = nanos));
        assertTrue(first[0] > 0);
      }
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void rawFlightBaselines() throws Exception {
    try (BufferAllocator allocator = new RootAllocator(Long.MAX_VALUE)) {
      try (RawFlight.Server server = RawFlight.start("127.0.0.1", 0);
          RawFlight.Client client = new RawFlight.Client(server.port(), () -> {});
          VectorSchemaRoot batch = BulkData.create(10_000, allocator)) {
        for (int i = 0; i < 3; i++) {
          client.roundTrip();
          assertEquals(10_000, client.echo(batch));
        }
        long[] first = new long[1];
        assertEquals(1_000_000, client.doGet(RawFlight.rowsTicket(1_000_000, BulkData.MAX_TEMPLATE_ROWS),
            nanos -> first[0] = nanos));
        assertTrue(first[0] > 0);
      }
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void templateSlicesShareOrCopyTheTemplate() {
    try (BufferAllocator allocator = new RootAllocator(Long.MAX_VALUE);
        VectorSchemaRoot part = BulkData.template(1000, allocator)) {
      assertEquals(1000, part.getRowCount());
      assertEquals(999L, ((BigIntVector) part.getVector(0)).get(999));
      assertEquals("row-999", new String(((VarCharVector) part.getVector(2)).get(999), StandardCharsets.UTF_8));
    }
  }
}
