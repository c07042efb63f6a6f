package dev.arrowrpc.transport.pipe;

import java.util.List;

/**
 * The JVM flags a JVM needs to use Arrow memory, valid on JDK 17 through 25 alike.
 *
 * <p>JDK 17 fails on the first Arrow buffer without {@code --add-opens=java.base/java.nio}; JDK 25
 * fails at allocator creation without {@code --sun-misc-unsafe-memory-access=allow}; and JDK 17
 * refuses to start with that flag unless {@code -XX:+IgnoreUnrecognizedVMOptions} comes first.
 */
public final class JvmFlags {
  /**
   * The Arrow flags, in the order they must appear on a {@code java} command line. Every worker
   * command line this package builds includes them (see {@link Subprocess#javaCommand}).
   */
  public static final List<String> ARROW =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--sun-misc-unsafe-memory-access=allow",
          "--enable-native-access=ALL-UNNAMED");

  private JvmFlags() {}
}
