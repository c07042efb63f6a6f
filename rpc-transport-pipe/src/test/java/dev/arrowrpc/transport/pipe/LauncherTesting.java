package dev.arrowrpc.transport.pipe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** Helpers of the launcher tests. */
final class LauncherTesting {
  private LauncherTesting() {}

  /** {@return the pids a {@link WarmWorkerMain} appended to its starts file, in order} */
  static List<Long> started(Path starts) throws IOException {
    if (!Files.exists(starts)) {
      return List.of();
    }
    return Files.readAllLines(starts).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
  }

  /** Waits for a process to end; true when it did (or is unknown) within the timeout. */
  static boolean awaitExit(long pid, Duration timeout) throws InterruptedException {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty()) {
      return true;
    }
    try {
      process.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@return the files left in a directory} */
  static List<Path> files(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }
}
