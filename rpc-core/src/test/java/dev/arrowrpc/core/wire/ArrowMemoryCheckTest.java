package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The check in this (flagged) JVM: Arrow starts; a class that fails to initialize the way Arrow's
 * {@code MemoryUtil} does without the flags gives the exception, its error attached. The JVM
 * without the flags is {@code runtime.MissingJvmFlagsTest}'s.
 */
class ArrowMemoryCheckTest {
  /** Fails in its static initializer, as MemoryUtil does without the flags. */
  static final class Broken {
    static final Object FIELD = fail();

    private static Object fail() {
      throw new RuntimeException("Failed to initialize", new IllegalAccessException("no access to Buffer.address"));
    }
  }

  @Test
  void withTheFlagsArrowStarts() {
    assertEquals(Optional.empty(), ArrowMemoryCheck.check(ArrowMemoryCheck.MEMORY_UTIL));
  }

  @Test
  void aClassThatFailsToInitializeGivesTheFlagsMessageWithItsErrorAttached() {
    IllegalStateException error = ArrowMemoryCheck.check(Broken.class.getName()).orElseThrow();
    assertEquals("Arrow needs these JVM flags: -XX:+IgnoreUnrecognizedVMOptions "
        + "--add-opens=java.base/java.nio=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow "
        + "--enable-native-access=ALL-UNNAMED; see README#jvm-flags (Arrow's memory layer cannot start: "
        + "IllegalAccessException: no access to Buffer.address)", error.getMessage());
    assertInstanceOf(ExceptionInInitializerError.class, error.getCause());
    // a second attempt meets NoClassDefFoundError, and still gives the message
    IllegalStateException again = ArrowMemoryCheck.check(Broken.class.getName()).orElseThrow();
    assertTrue(again.getMessage().startsWith("Arrow needs these JVM flags: "), again.getMessage());
    assertInstanceOf(NoClassDefFoundError.class, again.getCause());
  }

  @Test
  void aMissingClassIsNotAFlagsProblem() {
    assertEquals(Optional.empty(), ArrowMemoryCheck.check("no.such.ArrowClass"));
  }
}
