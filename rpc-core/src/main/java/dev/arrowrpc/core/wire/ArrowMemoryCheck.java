package dev.arrowrpc.core.wire;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * Finds out once whether Arrow's memory layer can start in this JVM, and turns a failure into one
 * exception that names the JVM flags Arrow needs.
 *
 * <p>Arrow's {@code MemoryUtil} reaches into {@code java.nio.Buffer} when it initializes. In a JVM
 * started without {@code --add-opens=java.base/java.nio=ALL-UNNAMED} it prints its own stack trace
 * and fails with an {@link ExceptionInInitializerError} (a {@link NoClassDefFoundError} on every
 * later use): some 45 lines that do not say what to do. The check therefore looks first whether
 * {@code java.base} opens {@code java.nio} to Arrow, without initializing Arrow; and should Arrow
 * fail for another reason, its error becomes the cause of the same exception.
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

  /** The Arrow class whose initialization needs the flags. */
  static final String MEMORY_UTIL = "org.apache.arrow.memory.util.MemoryUtil";

  private ArrowMemoryCheck() {}

  /** Computed on first use: why Arrow's memory layer cannot start here, if it cannot. */
  private static final class Outcome {
    static final Optional<IllegalStateException> FAILURE = check(MEMORY_UTIL);
  }

  /**
   * Throws when Arrow's memory layer cannot start in this JVM.
   *
   * @throws IllegalStateException naming the flags (with Arrow's failure as the cause when Arrow
   *     got as far as failing)
   */
  static void requireUsable() {
    Optional<IllegalStateException> failure = Outcome.FAILURE;
    if (failure.isPresent()) {
      throw failure.get();
    }
  }

  /**
   * Checks that {@code java.nio} is open to the module of {@code className}, then initializes it.
   *
   * @param className the class to check and initialize
   * @return the exception to throw, if either step failed
   */
  static Optional<IllegalStateException> check(String className) {
    ClassLoader loader = ArrowMemoryCheck.class.getClassLoader();
    Class<?> type;
    try {
      type = Class.forName(className, false, loader);
    } catch (ClassNotFoundException e) {
      return Optional.empty();  // not a flags problem: the first real use reports the missing jar
    }
    Module module = type.getModule();
    if (!ByteBuffer.class.getModule().isOpen("java.nio", module)) {
      return Optional.of(missingFlags("java.base does not open java.nio to "
          + (module.isNamed() ? "module " + module.getName() : "the class path (ALL-UNNAMED)"), null));
    }
    try {
      Class.forName(className, true, loader);
      return Optional.empty();
    } catch (ExceptionInInitializerError | NoClassDefFoundError | ClassNotFoundException e) {
      return Optional.of(missingFlags(rootMessage(e), e));
    }
  }

  /**
   * The exception a JVM without the flags gets.
   *
   * @param reason what went wrong
   * @param cause Arrow's own failure, or null when Arrow was not started
   * @return the exception to throw
   */
  static IllegalStateException missingFlags(String reason, Throwable cause) {
    return new IllegalStateException(
        "Arrow needs these JVM flags: " + String.join(" ", FLAGS)
            + "; see README#jvm-flags (Arrow's memory layer cannot start: " + reason + ")",
        cause);
  }

  /** The innermost cause's class and message. */
  static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
