package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.wire.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Workers.serve} takes {@code --access-log PATH}, as the porting guide asks of every worker. */
class WorkerAccessLogTest {
  @TempDir Path dir;

  @Test
  void aWorkerStartedWithAnAccessLogWritesOneRecordPerCall() throws Exception {
    Path log = dir.resolve("calls.jsonl");
    List<String> command = Subprocess.javaCommand(WarmWorkerMain.class.getName(), dir.resolve("starts").toString(),
        "--access-log", log.toString());
    try (RootAllocator memory = new RootAllocator();
        Subprocess worker = Subprocess.builder(command).shutdownTimeout(Duration.ofSeconds(10)).launch();
        RpcClient client = RpcClient.builder(worker).allocator(memory).build()) {
      Warm warm = client.proxy(Warm.class);
      assertEquals("one", warm.echo("one"));
      assertEquals("two", warm.echo("two"));
    }
    List<String> lines = waitForLines(log, 2);
    assertEquals(2, lines.size(), lines.toString());
    for (String line : lines) {
      Map<?, ?> record = (Map<?, ?>) Json.parse(line);
      assertEquals("echo", record.get("method"));
      assertEquals("vgi_rpc.access", record.get("logger"));
      assertEquals("ok", record.get("status"));
      assertTrue(((String) record.get("protocol_hash")).matches("[0-9a-f]{64}"), line);
    }
  }

  @Test
  void aWorkerServesTcpWhenAskedAndSaysWhere() throws Exception {
    Path log = dir.resolve("tcp.jsonl");
    List<String> command = Subprocess.javaCommand(WarmWorkerMain.class.getName(), dir.resolve("starts").toString(),
        "--tcp", "127.0.0.1:0", "--access-log", log.toString());
    Process worker = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String line = new java.io.BufferedReader(new java.io.InputStreamReader(worker.getInputStream(),
          java.nio.charset.StandardCharsets.UTF_8)).readLine();
      assertTrue(line != null && line.startsWith("TCP:127.0.0.1:"), "the discovery line: " + line);
      int port = Integer.parseInt(line.substring("TCP:127.0.0.1:".length()));
      try (RootAllocator memory = new RootAllocator();
          RpcClient client = RpcClient.builder(Tcp.connect("127.0.0.1", port)).allocator(memory).build()) {
        assertEquals("over tcp", client.proxy(Warm.class).echo("over tcp"));
      }
      assertEquals(1, waitForLines(log, 1).size());
    } finally {
      worker.destroy();
      assertTrue(worker.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "the worker stops on SIGTERM");
    }
  }

  @Test
  void aServerBuiltElsewhereCannotTakeTheFlag() {
    try (RpcServer server = RpcServer.create(Warm.class, new Warm() {
      @Override
      public long pid() {
        return 0;
      }

      @Override
      public String echo(String s) {
        return s;
      }
    })) {
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
          () -> Workers.serve(new String[] {"--access-log", dir.resolve("x").toString()}, server));
      assertTrue(error.getMessage().contains("listener(JsonlAccessLog.append(path))"), error.getMessage());
    }
  }

  /** The worker writes a record after its answer, and exits on its own time: wait for both. */
  private static List<String> waitForLines(Path log, int expected) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<String> lines = List.of();
    while (System.nanoTime() < deadline) {
      lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      if (lines.size() >= expected) {
        return lines;
      }
      Thread.sleep(20);
    }
    return lines;
  }
}
