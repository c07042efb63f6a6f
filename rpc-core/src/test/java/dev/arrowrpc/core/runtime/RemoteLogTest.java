package dev.arrowrpc.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.testing.TestJvm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client built without {@code onLog} logs the server's messages through SLF4J logger {@code
 * dev.arrowrpc.remote}, each at its own level: with a provider present (slf4j-simple, as the
 * executables ship it) they show without further setup.
 */
class RemoteLogTest {
  /** A service whose one method logs at every level. */
  @RpcService(version = "1.0.0")
  public interface Chatty {
    String chat(String name);
  }

  /** Logs one message per level, the INFO one with extras. */
  public static final class ChattyImpl implements Chatty {
    @Override
    public String chat(String name) {
      throw new UnsupportedOperationException("called with a CallContext");
    }

    public String chat(String name, CallContext context) {
      context.log(LogLevel.TRACE, "server trace");
      context.log(LogLevel.DEBUG, "server debug");
      context.log(LogLevel.INFO, "server info", Map.of("who", name));
      context.log(LogLevel.WARN, "server warn");
      context.log(LogLevel.ERROR, "server error");
      return "hello " + name;
    }
  }

  /** Serves {@link Chatty} in this JVM and calls it once through a client without {@code onLog}. */
  public static final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
      Pipe toServer = Pipe.open();
      Pipe toClient = Pipe.open();
      try (RpcServer server = RpcServer.create(Chatty.class, new ChattyImpl())) {
        Thread serving = new Thread(() -> {
          try (OutputStream out = Channels.newOutputStream(toClient.sink())) {
            server.serve(Channels.newInputStream(toServer.source()), out);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }, "server");
        serving.start();
        InputStream in = Channels.newInputStream(toClient.source());
        OutputStream out = Channels.newOutputStream(toServer.sink());
        ByteTransport transport = new ByteTransport() {
          @Override
          public InputStream input() {
            return in;
          }

          @Override
          public OutputStream output() {
            return out;
          }

          @Override
          public void close() throws IOException {
            out.close();
            in.close();
          }
        };
        try (RpcClient client = RpcClient.builder(transport).build()) {
          System.out.println(client.proxy(Chatty.class).chat("ada"));
        }
        serving.join(10_000);
      }
    }
  }

  /** The remote logger's lines in the JVM's stderr (slf4j-simple writes them there). */
  private static List<String> remoteLines(String remoteLevel) {
    List<String> flags = new ArrayList<>(TestJvm.ARROW_FLAGS);
    flags.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    flags.add("-Dorg.slf4j.simpleLogger.showThreadName=false");
    flags.add("-Dorg.slf4j.simpleLogger.log.dev.arrowrpc.remote=" + remoteLevel);
    TestJvm.Outcome outcome = TestJvm.run(flags, Main.class);
    assertEquals(0, outcome.status(), outcome.stderr());
    assertEquals("hello ada", outcome.stdout().strip(), outcome.stderr());
    return outcome.stderr().lines().filter(line -> line.contains("dev.arrowrpc.remote")).toList();
  }

  @Test
  void atInfoTheServersInfoWarnAndErrorShowAtTheirLevels() {
    assertEquals(List.of(
            "INFO dev.arrowrpc.remote - server info {who=ada}",
            "WARN dev.arrowrpc.remote - server warn",
            "ERROR dev.arrowrpc.remote - server error"),
        remoteLines("info"));
  }

  @Test
  void atTraceEveryLevelMapsToItsOwn() {
    assertEquals(List.of(
            "TRACE dev.arrowrpc.remote - server trace",
            "DEBUG dev.arrowrpc.remote - server debug",
            "INFO dev.arrowrpc.remote - server info {who=ada}",
            "WARN dev.arrowrpc.remote - server warn",
            "ERROR dev.arrowrpc.remote - server error"),
        remoteLines("trace"));
  }
}
