package dev.arrowrpc.transport.pipe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** Helpers of the shared-memory tests. */
final class ShmTesting {
  private ShmTesting() {}

  /**
   * {@return how many segments this JVM created are still in /dev/shm} (not other processes'
   * segments: a benchmark or another suite may be making its own at the same time)
   */
  static long ourSegments() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
      return files.filter(p -> ShmSegment.CREATED.contains(p.getFileName().toString())).count();
    }
  }

  /**
   * The Python of the reference's virtualenv: {@code $VGI_RPC_PYTHON}, else {@code
   * conformance/target/venv/bin/python} (made by {@code conformance/run-reference-suite.sh --prepare}).
   */
  static Optional<Path> referencePython() {
    String configured = System.getenv("VGI_RPC_PYTHON");
    Path python = configured != null && !configured.isBlank() ? Path.of(configured)
        : Path.of("..", "conformance", "target", "venv", "bin", "python").toAbsolutePath().normalize();
    return Files.isExecutable(python) ? Optional.of(python) : Optional.empty();
  }
}
