package dev.arrowrpc.core.wire;

import java.util.List;
import java.util.Optional;

/**
 * Finds out once whether Arrow's memory layer can start in this JVM, and turns the failure into
 * one message that names the missing JVM flags.
 *
 * <p>Arrow reaches into {@code java.nio.Buffer} when its {@code MemoryUtil} class initializes; a
 * JVM started without {@code --add-opens=java.base/java.nio=ALL-UNNAMED} fails there with an
 * {@link ExceptionInInitializerError} (and a {@link NoClassDefFoundError} on every later use), a
 * long stack trace that does not say what to do.
 */
final class ArrowMemoryCheck {
  /**
   * The flags, in command-line order, valid on JDK 17 through 25 alike; the same list as the pipe
   * transport's {@code JvmFlags.ARROW} and the build's {@code arrow.jvm.flags}.
   */
  static final List<String> FLAGS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--sun-misc-unsafe-memory-access=allow",
          "--enable-native-access=ALL-UNNAMED");

  /** The class whose initialization needs the flags. */
  static final String MEMORY_UTIL = "org.apache.arrow.memory.util.MemoryUtil";

  private ArrowMemoryCheck() {}

  /** Computed on first use: what went wrong initializing Arrow's memory layer, if anything. */
  private static final class Outcome {
    static final Optional<Throwable> FAILURE = probe(MEMORY_UTIL);
  }

  /**
   * Throws when Arrow's memory layer cannot start in this JVM.
   *
   * @throws IllegalStateException naming the flags, with Arrow's failure as the cause
   */
  static void requireUsable() {
    Optional<Throwable> failure = Outcome.FAILURE;
    if (failure.isPresent()) {
      throw missingFlags(failure.get());
    }
  }

  /**
   * Initializes a class, returning the failure instead of throwing it.
   *
   * @param className the class to initialize
   * @return the error its initialization raised, if any
   */
  static Optional<Throwable> probe(String className) {
    try {
      Class.forName(className, true, ArrowMemoryCheck.class.getClassLoader());
      return Optional.empty();
    } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
      return Optional.of(e);
    } catch (ClassNotFoundException e) {
      return Optional.empty();  // not a flags problem: the first real use reports the missing jar
    }
  }

  /**
   * The exception a JVM without the flags gets.
   *
   * @param cause Arrow's own failure
   * @return the exception to throw
   */
  static IllegalStateException missingFlags(Throwable cause) {
    return new IllegalStateException(
        "Arrow needs these JVM flags: " + String.join(" ", FLAGS)
            + "; see README#jvm-flags (Arrow's memory layer could not start: "
            + rootMessage(cause) + ")",
        cause);
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
