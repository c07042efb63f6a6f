package dev.arrowrpc.transport.pipe;

import java.util.List;

/**
 * The JVM flags a JVM needs to use Arrow memory, valid on JDK 17 through 25 alike.
 *
 * <p>Without {@code --add-opens=java.base/java.nio} Arrow cannot create an allocator (JDK 17 and 25
 * alike); without {@code --sun-misc-unsafe-memory-access=allow} and {@code
 * --enable-native-access=ALL-UNNAMED} JDK 25 prints warnings (Arrow's use of {@code
 * sun.misc.Unsafe}, zstd-jni's native library); and JDK 17 refuses to start with the former
 * unless {@code -XX:+IgnoreUnrecognizedVMOptions} comes first. See README, "JVM flags".
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
