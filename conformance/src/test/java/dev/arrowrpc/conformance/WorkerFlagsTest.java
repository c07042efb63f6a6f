package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.wire.Json;
import dev.arrowrpc.transport.http.HttpRpc;
import dev.arrowrpc.transport.pipe.Subprocess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's worker serving through {@code Workers.serve} takes the porting guide's flags: {@code
 * --http --host --port} (with rpc-transport-http on its class path) and {@code --access-log}.
 */
class WorkerFlagsTest {
  @TempDir Path dir;

  @Test
  void aUsersWorkerServesHttpWithAnAccessLog() throws Exception {
    Path log = dir.resolve("access.jsonl");
    List<String> command = new ArrayList<>(Subprocess.javaCommand(HttpFlagWorkerMain.class.getName(), "--http",
        "--host", "127.0.0.1", "--port", "0", "--access-log", log.toString()));
    Process worker = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertTrue(line != null && line.startsWith("PORT:"), "the discovery line: " + line);
      int port = Integer.parseInt(line.substring("PORT:".length()));
      try (RootAllocator memory = new RootAllocator();
          RpcClient client = HttpRpc.builder("http://127.0.0.1:" + port).allocator(memory).build()) {
        assertEquals("hello ada", client.proxy(HttpFlagWorkerMain.Greeter.class).greet("ada"));
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while ((!Files.exists(log) || Files.readAllLines(log).isEmpty()) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Map<?, ?> record = (Map<?, ?>) Json.parse(Files.readAllLines(log).get(0));
      assertEquals("greet", record.get("method"));
      assertEquals(200L, ((Number) record.get("http_status")).longValue());
    } finally {
      worker.destroy(); // SIGTERM: the worker drains and exits
      assertTrue(worker.waitFor(20, TimeUnit.SECONDS), "the worker stops on SIGTERM");
    }
    assertEquals(143 == worker.exitValue() || 0 == worker.exitValue(), true, "exit " + worker.exitValue());
  }
}
