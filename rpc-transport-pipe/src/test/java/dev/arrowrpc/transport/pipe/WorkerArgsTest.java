package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerArgsTest {
  @Test
  void noArgumentsServeStdioWithTheDefaults() {
    assertEquals(new WorkerArgs(Optional.empty(), Duration.ofSeconds(300), 64),
        WorkerArgs.parse(new String[0], Map.of()));
  }

  @Test
  void theLaunchersFlagsAreRead() {
    WorkerArgs args = WorkerArgs.parse(
        new String[] {"--unix", "/run/w.sock", "--idle-timeout", "2.5", "--max-connections=8"}, Map.of());
    assertEquals(new WorkerArgs(Optional.of(Path.of("/run/w.sock")), Duration.ofMillis(2500), 8), args);
  }

  @Test
  void theEnvironmentGivesDefaultsFlagsOverride() {
    Map<String, String> env = Map.of("VGI_RPC_IDLE_TIMEOUT", "7", "VGI_RPC_MAX_CONNECTIONS", "0");
    assertEquals(new WorkerArgs(Optional.empty(), Duration.ofSeconds(7), 4096),
        WorkerArgs.parse(new String[0], env));
    assertEquals(Duration.ZERO, WorkerArgs.parse(new String[] {"--idle-timeout=0"}, env).idleTimeout());
  }

  @Test
  void aRelativeSocketPathIsMadeAbsolute() {
    assertEquals(Optional.of(Path.of("w.sock").toAbsolutePath()),
        WorkerArgs.parse(new String[] {"--unix", "w.sock"}, Map.of()).unix());
  }

  @Test
  void theAccessLogFlagsAreTaken() {
    WorkerArgs args = WorkerArgs.parse(new String[] {"--access-log", "calls.jsonl", "--access-log-debug"}, Map.of());
    assertEquals(Optional.of(Path.of("calls.jsonl")), args.accessLog());
    assertEquals(true, args.accessLogDebug());
    WorkerArgs plain = WorkerArgs.parse(new String[] {"--access-log=a.jsonl", "--unix", "w.sock"}, Map.of());
    assertEquals(Optional.of(Path.of("a.jsonl")), plain.accessLog());
    assertEquals(false, plain.accessLogDebug());
    assertEquals("--access-log needs a path", assertThrows(IllegalArgumentException.class,
        () -> WorkerArgs.parse(new String[] {"--access-log="}, Map.of())).getMessage());
  }

  @Test
  void tcpTakesAHostAndAPortOrAPortAlone() {
    assertEquals(Optional.of(new java.net.InetSocketAddress("127.0.0.1", 0)),
        WorkerArgs.parse(new String[] {"--tcp", "0"}, Map.of()).tcp());
    assertEquals(Optional.of(new java.net.InetSocketAddress("0.0.0.0", 9000)),
        WorkerArgs.parse(new String[] {"--tcp=0.0.0.0:9000"}, Map.of()).tcp());
    assertEquals("--tcp expects [HOST:]PORT, got 'here'", assertThrows(IllegalArgumentException.class,
        () -> WorkerArgs.parse(new String[] {"--tcp", "here"}, Map.of())).getMessage());
    assertEquals("--tcp port must be from 0 through 65535, got '70000'", assertThrows(IllegalArgumentException.class,
        () -> WorkerArgs.parse(new String[] {"--tcp", "70000"}, Map.of())).getMessage());
    assertEquals("--unix and --tcp are two transports: give one", assertThrows(IllegalArgumentException.class,
        () -> WorkerArgs.parse(new String[] {"--tcp", "0", "--unix", "w.sock"}, Map.of())).getMessage());
  }

  @Test
  void anotherTransportsLineKeepsItsFlagsAndGivesUpTheAccessLog() {
    String[] line = {"--http", "--port", "0", "--access-log", "a.jsonl", "--access-log-debug", "--prefix", "/v"};
    WorkerArgs args = WorkerArgs.accessLogOf(line);
    assertEquals(Optional.of(Path.of("a.jsonl")), args.accessLog());
    assertEquals(true, args.accessLogDebug());
    assertEquals(java.util.List.of("--http", "--port", "0", "--prefix", "/v"), WorkerArgs.withoutAccessLog(line));
  }

  @Test
  void badArgumentsAreNamed() {
    assertEquals("unknown worker argument '--verbose' (expected --unix PATH, --tcp [HOST:]PORT, --idle-timeout SECONDS,"
        + " --max-connections N, --access-log PATH, --access-log-debug)",
        assertThrows(IllegalArgumentException.class, () -> WorkerArgs.parse(new String[] {"--verbose"}, Map.of()))
            .getMessage());
    assertEquals("worker argument '--http' needs a transport this worker's class path does not have (add"
        + " rpc-transport-http: it serves --http)",
        assertThrows(IllegalArgumentException.class, () -> WorkerArgs.parse(new String[] {"--http"}, Map.of()))
            .getMessage());
    assertEquals("--unix needs a value", assertThrows(IllegalArgumentException.class,
        () -> WorkerArgs.parse(new String[] {"--unix"}, Map.of())).getMessage());
    assertEquals("--idle-timeout expects seconds, got 'soon'", assertThrows(IllegalArgumentException.class,
        () -> WorkerArgs.parse(new String[] {"--idle-timeout", "soon"}, Map.of())).getMessage());
    assertEquals("--idle-timeout must be between 0 and 86400 seconds, got '-1'",
        assertThrows(IllegalArgumentException.class,
            () -> WorkerArgs.parse(new String[] {"--idle-timeout", "-1"}, Map.of())).getMessage());
    assertEquals("--idle-timeout must be between 0 and 86400 seconds, got 'NaN'",
        assertThrows(IllegalArgumentException.class,
            () -> WorkerArgs.parse(new String[] {"--idle-timeout", "NaN"}, Map.of())).getMessage());
    assertEquals("--max-connections expects a whole number, got 'many'",
        assertThrows(IllegalArgumentException.class,
            () -> WorkerArgs.parse(new String[0], Map.of("VGI_RPC_MAX_CONNECTIONS", "many"))).getMessage());
  }
}
