package dev.arrowrpc.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test class path in a fresh JVM with exactly the JVM flags a test
 * gives, so a test can see what a user's JVM does (without the Arrow flags, with a logging
 * configuration, ...).
 */
public final class TestJvm {
  /** The JVM flags Arrow needs, as the build passes them to tests. */
  public static final List<String> ARROW_FLAGS = List.of(
      "-XX:+IgnoreUnrecognizedVMOptions",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--sun-misc-unsafe-memory-access=allow",
      "--enable-native-access=ALL-UNNAMED");

  private TestJvm() {}

  /**
   * What the JVM did.
   *
   * @param status its exit status
   * @param stdout everything it wrote to stdout
   * @param stderr everything it wrote to stderr
   */
  public record Outcome(int status, String stdout, String stderr) {}

  /**
   * Runs {@code mainClass} in a new JVM (this JVM's {@code java} and class path, no inherited
   * {@code JAVA_TOOL_OPTIONS} or {@code JDK_JAVA_OPTIONS}) and waits for it to exit.
   *
   * @param jvmFlags the flags before the main class
   * @param mainClass the class to run
   * @param args its arguments
   * @return the exit status and output
   */
  public static Outcome run(List<String> jvmFlags, Class<?> mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      CompletableFuture<String> out = drain(process.getInputStream());
      CompletableFuture<String> err = drain(process.getErrorStream());
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the JVM running " + mainClass.getName() + " did not exit within 60 s");
      }
      return new Outcome(process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (stream) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        stream.transferTo(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
