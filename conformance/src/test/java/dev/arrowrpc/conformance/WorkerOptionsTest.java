package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerOptionsTest {
  private static WorkerOptions parse(String... args) throws WorkerOptions.UsageException {
    return WorkerOptions.parse(List.of(args));
  }

  private static String refusal(String... args) {
    return assertThrows(WorkerOptions.UsageException.class, () -> parse(args)).getMessage();
  }

  @Test
  void stdioByDefault() throws Exception {
    assertEquals(new WorkerOptions(new WorkerOptions.Pipe(), Optional.empty(), Optional.empty()), parse());
    assertEquals(new WorkerOptions.Pipe(), parse("--pipe", "--describe", "--access-log-debug").transport());
  }

  @Test
  void unixSocket() throws Exception {
    WorkerOptions options = parse("--unix", "/tmp/w.sock", "--access-log", "log.jsonl");
    assertEquals(new WorkerOptions.Unix(Path.of("/tmp/w.sock")), options.transport());
    assertEquals(Optional.of(Path.of("log.jsonl")), options.accessLog());
    assertEquals(new WorkerOptions.Unix(Path.of("s")), parse("--unix=s").transport());
  }

  @Test
  void tcpAddresses() throws Exception {
    assertEquals(new WorkerOptions.Tcp("127.0.0.1", 0), parse("--tcp", "0").transport());
    assertEquals(new WorkerOptions.Tcp("127.0.0.1", 0), parse("--tcp", "127.0.0.1:0").transport());
    assertEquals(new WorkerOptions.Tcp("127.0.0.1", 9000), parse("--tcp", ":9000").transport());
    assertEquals(new WorkerOptions.Tcp("localhost", 80), parse("--tcp=localhost:80").transport());
    assertEquals(new WorkerOptions.Tcp("::1", 5), parse("--tcp", "[::1]:5").transport());
    assertEquals(new WorkerOptions.Tcp("127.0.0.1", 0),
        parse("--tcp", "0", "--threaded", "--max-connections", "4").transport());
  }

  @Test
  void refusesWhatItCannotServe() {
    assertTrue(refusal("--http").contains("HTTP"));
    assertTrue(refusal("--port", "8080").contains("HTTP"));
    assertTrue(refusal("--bogus").contains("unknown argument: --bogus"));
    assertTrue(refusal("--unix").contains("--unix needs a value"));
    assertTrue(refusal("--tcp", "x:y").contains("[HOST:]PORT"));
    assertTrue(refusal("--tcp", "70000").contains("out of range"));
    assertTrue(refusal("--unix", "a", "--tcp", "0").contains("choose one"));
    assertTrue(refusal("--threaded").contains("--threaded requires"));
    assertTrue(refusal("--tcp", "0", "--max-connections", "2").contains("requires --threaded"));
    assertTrue(refusal("--tcp", "0", "--threaded", "--max-connections", "0").contains("positive"));
    assertTrue(refusal("--describe=yes").contains("takes no value"));
  }
}
