package dev.arrowrpc.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.testing.TestJvm;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A JVM started without the flags Arrow needs gets one exception from the builders that names
 * the flags, instead of Arrow's stack trace through {@code MemoryUtil}.
 */
class MissingJvmFlagsTest {
  /** A service to serve. */
  @RpcService(version = "1.0.0")
  public interface Adder {
    long add(long a, long b);
  }

  /** Builds a server, then a client, the way the quick start does, and reports each outcome. */
  public static final class Main {
    private Main() {}

    public static void main(String[] args) {
      report("server", () -> RpcServer.create(Adder.class, (a, b) -> a + b).close());
      ByteTransport idle = new ByteTransport() {
        @Override
        public InputStream input() {
          return InputStream.nullInputStream();
        }

        @Override
        public OutputStream output() {
          return OutputStream.nullOutputStream();
        }

        @Override
        public void close() {}
      };
      report("client", () -> RpcClient.builder(idle).build().close());
    }

    private static void report(String what, Runnable build) {
      try {
        build.run();
        System.out.println(what + ": built");
      } catch (RuntimeException e) {
        System.out.println(what + ": " + e.getClass().getName() + ": " + e.getMessage());
        System.out.println(what + " cause: " + (e.getCause() == null ? "none" : e.getCause().getClass().getName()));
      }
    }
  }

  @Test
  void withoutTheFlagsBothBuildersSayWhichFlagsAreMissing() {
    TestJvm.Outcome outcome = TestJvm.run(List.of(), Main.class);
    assertEquals(0, outcome.status(), outcome.stderr());
    String expected = ": java.lang.IllegalStateException: Arrow needs these JVM flags: "
        + "-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED "
        + "--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED; see README#jvm-flags "
        + "(Arrow's memory layer cannot start: java.base does not open java.nio to the class path (ALL-UNNAMED))";
    assertEquals(List.of("server" + expected, "server cause: none", "client" + expected, "client cause: none"),
        outcome.stdout().lines().toList());
    // Arrow was not started, so it printed none of its own stack trace
    assertFalse(outcome.stderr().contains("MemoryUtil"), outcome.stderr());
  }

  @Test
  void withTheFlagsTheSameProgramBuildsBoth() {
    TestJvm.Outcome outcome = TestJvm.run(TestJvm.ARROW_FLAGS, Main.class);
    assertEquals(0, outcome.status(), outcome.stderr());
    assertEquals(List.of("server: built", "client: built"), outcome.stdout().lines().toList());
  }
}
