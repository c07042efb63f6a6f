package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.wire.Json;
import dev.arrowrpc.transport.http.HttpRpc;
import dev.arrowrpc.transport.pipe.Subprocess;
import dev.arrowrpc.transport.pipe.Tcp;
import dev.arrowrpc.transport.pipe.UnixSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker executable's contract: transports, discovery lines, access log, exit statuses. */
class ConformanceWorkerTest {
  @TempDir Path directory;

  private static List<String> command(String... args) {
    return Subprocess.javaCommand(ConformanceWorker.class.getName(), args);
  }

  @Test
  void servesStdioAndWritesTheAccessLog() throws Exception {
    Path log = directory.resolve("access.jsonl");
    try (Subprocess worker = Subprocess.launch(command("--access-log", log.toString(), "--describe"));
        RpcClient client = RpcClient.connect(worker)) {
      assertEquals("pipe", client.proxy(ConformanceService.class).echo_string("pipe"));
    }
    List<String> lines = Files.readAllLines(log);
    assertEquals(1, lines.size());
    Map<?, ?> record = (Map<?, ?>) Json.parse(lines.get(0));
    assertEquals("echo_string", record.get("method"));
    assertEquals("ConformanceService", record.get("protocol"));
    assertEquals(List.of(Map.of("name", "value", "type", "string")), record.get("request_fields"));
    assertFalse(record.containsKey("request_data"));
  }

  @Test
  void announcesTcpAndStopsOnSigterm() throws Exception {
    Process worker = new ProcessBuilder(command("--tcp", "127.0.0.1:0")).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      String line = firstLine(worker);
      assertTrue(line.matches("TCP:127\\.0\\.0\\.1:\\d+"), line);
      int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
      try (RpcClient client = RpcClient.connect(Tcp.connect("127.0.0.1", port))) {
        assertEquals(3, client.proxy(ConformanceService.class).echo_int(3));
      }
    } finally {
      assertStopsOnSigterm(worker);
    }
  }

  @Test
  void announcesUnixAndRemovesTheSocketOnSigterm() throws Exception {
    Path socket = directory.resolve("w.sock");
    Process worker = new ProcessBuilder(command("--unix", socket.toString()))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      assertEquals("UNIX:" + socket, firstLine(worker));
      try (RpcClient client = RpcClient.connect(UnixSocket.connect(socket))) {
        assertEquals("unix", client.proxy(ConformanceService.class).echo_string("unix"));
      }
    } finally {
      assertStopsOnSigterm(worker);
    }
    assertFalse(Files.exists(socket));
  }

  @Test
  void announcesHttpAndServesStatelessStreams() throws Exception {
    Path log = directory.resolve("http-access.jsonl");
    Process worker = new ProcessBuilder(command("--http", "--port", "0", "--token-key", "5a".repeat(32),
        "--access-log", log.toString())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      String line = firstLine(worker);
      assertTrue(line.matches("PORT:\\d+"), line);
      try (RpcClient client = HttpRpc.connect("http://127.0.0.1:" + line.substring("PORT:".length()))) {
        ConformanceService service = client.proxy(ConformanceService.class);
        assertEquals("http", service.echo_string("http"));
        long rows = 0;
        try (BatchStream stream = service.produce_n(3)) {
          for (var batch = stream.tick(); batch.isPresent(); batch = stream.tick()) {
            rows += batch.get().getRowCount();
          }
        }
        assertEquals(3, rows);
        // the cancellable state's probe is transient: a state restored from its token counts in the
        // worker's own probe
        service.reset_cancel_probe();
        try (BatchStream stream = service.cancellable_producer()) {
          stream.tick();
          stream.tick();
          stream.cancel();
        }
        List<Long> counters = service.cancel_probe_counters();
        assertEquals(1L, counters.get(2), "on_cancel calls: " + counters);
        assertTrue(counters.get(0) >= 2, "produce calls: " + counters);
      }
    } finally {
      assertStopsOnSigterm(worker);
    }
    assertTrue(Files.readAllLines(log).stream().map(Json::parse)
        .anyMatch(record -> "produce_n".equals(((Map<?, ?>) record).get("method"))), "a produce_n record");
  }

  @Test
  void refusesAnHttpFlagWithoutHttp() throws Exception {
    Process worker = new ProcessBuilder(command("--port", "8080")).start();
    String stderr = new String(worker.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(worker.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, worker.exitValue());
    assertTrue(stderr.contains("--port requires --http"), stderr);
    assertEquals(0, worker.getInputStream().readAllBytes().length, "nothing on stdout");
  }

  private static String firstLine(Process worker) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
    String line = reader.readLine();
    assertTrue(line != null, "the worker printed no discovery line");
    return line;
  }

  private static void assertStopsOnSigterm(Process worker) throws InterruptedException {
    worker.destroy();
    if (!worker.waitFor(30, TimeUnit.SECONDS)) {
      worker.destroyForcibly();
      throw new AssertionError("the worker did not stop on SIGTERM");
    }
    List<Integer> clean = new ArrayList<>(List.of(0, 143));
    assertTrue(clean.contains(worker.exitValue()), "exit status " + worker.exitValue());
  }
}
