package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.shm.SharedSegment;
import dev.arrowrpc.core.wire.MetadataKeys;
import dev.arrowrpc.transport.pipe.Subprocess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our client with a shared-memory segment against the Python reference worker ({@code
 * vgi-rpc-conformance}) and against ours: the client negotiates with {@code __transport_options__}
 * at launch, the worker confirms, the segment lives in {@code /dev/shm} while the connection does,
 * calls with large batches (unary, producer, exchange) answer correctly, every region is freed, and
 * the segment is removed when the worker is closed. The reference worker is {@code
 * $VGI_REFERENCE_WORKER} (words separated by spaces), else the one in {@code
 * conformance/target/venv} ({@code run-reference-suite.sh --prepare}); without either, that case
 * is skipped.
 */
@Timeout(120)
class SharedMemoryClientTest {
  private static final long SEGMENT = 4 << 20;
  private static final int ROWS = 20_000; // 160 KB per column: above the 128 KiB threshold

  @Test
  void theReferenceWorkerConfirmsAndAnswersOverTheSegment() throws Exception {
    String configured = System.getenv("VGI_REFERENCE_WORKER");
    Path venvWorker = Path.of("target", "venv", "bin", "vgi-rpc-conformance").toAbsolutePath();
    List<String> command;
    if (configured != null && !configured.isBlank()) {
      command = List.of(configured.trim().split(" +"));
    } else {
      Assumptions.assumeTrue(Files.isExecutable(venvWorker), "no reference worker: set VGI_REFERENCE_WORKER or "
          + "run conformance/run-reference-suite.sh --prepare (creates " + venvWorker + ")");
      command = List.of(venvWorker.toString(), "--describe");
    }
    callOverSharedMemory(command);
  }

  @Test
  void ourWorkerConfirmsAndAnswersOverTheSegment() throws Exception {
    callOverSharedMemory(Subprocess.javaCommand(ConformanceWorker.class.getName(), "--describe"));
  }

  private static void callOverSharedMemory(List<String> command) throws Exception {
    Path file;
    try (BufferAllocator memory = new RootAllocator()) {
      Subprocess worker = Subprocess.builder(command).sharedMemory(SEGMENT).launch();
      try (RpcClient client = RpcClient.builder(worker).allocator(memory).build()) {
        SharedSegment segment = worker.sharedSegment().orElseThrow(
            () -> new AssertionError("the worker did not confirm vgi_rpc.transport.shm"));
        file = Path.of("/dev/shm", segment.name());
        assertTrue(Files.exists(file), "the segment lives while the connection does");
        assertEquals(SEGMENT, segment.size());
        ConformanceService conformance = client.proxy(ConformanceService.class);

        String large = "x".repeat(300_000);
        assertEquals(large, conformance.echo_string(large));
        byte[] bytes = new byte[500_000];
        Arrays.fill(bytes, (byte) 7);
        assertTrue(Arrays.equals(bytes, conformance.echo_bytes(bytes)));

        long rows = 0;
        long last = -1;
        try (BatchStream produced = conformance.produce_large_batches(ROWS, 3)) {
          for (Optional<VectorSchemaRoot> batch = produced.tick(); batch.isPresent(); batch = produced.tick()) {
            rows += batch.get().getRowCount();
            BigIntVector index = (BigIntVector) batch.get().getVector("index");
            last = index.get(batch.get().getRowCount() - 1);
            assertFalse(produced.lastMetadata().containsKey(MetadataKeys.SHM_OFFSET), "resolved, never a raw pointer");
            assertEquals(segment.name(), produced.lastMetadata().get(MetadataKeys.SHM_SOURCE),
                "the batch came through the segment");
          }
        }
        assertEquals(3L * ROWS, rows);
        assertEquals(3L * ROWS - 1, last);

        try (BatchStream scaled = conformance.exchange_scale(2.0);
            VectorSchemaRoot input = VectorSchemaRoot.create(Batches.SCALE, memory)) {
          Float8Vector value = (Float8Vector) input.getVector("value");
          for (int turn = 0; turn < 2; turn++) {
            for (int i = 0; i < ROWS; i++) {
              value.setSafe(i, i + turn);
            }
            input.setRowCount(ROWS);
            VectorSchemaRoot output = scaled.exchange(input);
            assertEquals(ROWS, output.getRowCount());
            assertEquals(2.0 * (ROWS - 1 + turn), ((Float8Vector) output.getVector("value")).get(ROWS - 1));
          }
        }
        assertEquals(0, ((dev.arrowrpc.transport.pipe.ShmSegment) segment).allocations(),
            "every region was freed by the side that read it");
      } finally {
        worker.close();
      }
      assertFalse(worker.sharedSegment().isPresent());
      assertFalse(Files.exists(file), "the client removes its segment when the worker is closed");
      assertEquals(0, memory.getAllocatedMemory());
    }
  }
}
