package dev.arrowrpc.codegen.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles generated sources with the JDK's compiler against the test's class path. */
final class JavaSources {
  private JavaSources() {}

  /** The test JVM's real class path (surefire may run it from a manifest-only jar). */
  static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /**
   * Compiles with {@code --release 17 -Xlint:all -Werror}.
   *
   * @param files the sources
   * @param out the class directory
   * @throws AssertionError with javac's messages when they do not compile cleanly
   */
  static void compile(List<Path> files, Path out) throws IOException {
    Files.createDirectories(out);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter messages = new StringWriter();
    try (StandardJavaFileManager fileManager = javac.getStandardFileManager(null, null, null)) {
      List<String> options = List.of("--release", "17", "-Xlint:all,-processing,-options", "-Werror", "-proc:none",
          "-classpath", classPath(), "-d", out.toString());
      Boolean ok = javac.getTask(messages, fileManager, null, options, null,
          fileManager.getJavaFileObjectsFromPaths(files)).call();
      if (!ok || !messages.toString().isBlank()) {
        throw new AssertionError("generated sources do not compile cleanly:\n" + messages);
      }
    }
  }
}
