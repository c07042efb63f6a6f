package dev.arrowrpc.codegen;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles generated sources with the JDK's compiler, as a build would ({@code --release 17}). */
final class Compiled {
  private Compiled() {}

  /**
   * Compiles the sources into a directory and loads them over the test's class loader.
   *
   * @throws AssertionError with the compiler's messages when they do not compile cleanly
   */
  static ClassLoader compile(Path dir, List<GeneratedInterface> sources) throws IOException {
    Path src = dir.resolve("src");
    Path out = dir.resolve("classes");
    Files.createDirectories(out);
    List<Path> files = new ArrayList<>();
    for (GeneratedInterface source : sources) {
      Path file = src.resolve(source.relativePath());
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.source());
      files.add(file);
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter messages = new StringWriter();
    try (StandardJavaFileManager fileManager = javac.getStandardFileManager(null, null, null)) {
      List<String> options = List.of("--release", "17", "-parameters", "-Xlint:all,-processing,-options",
          "-Xdoclint:all/protected",
          "-Werror", "-proc:none", "-classpath", classPath(), "-d", out.toString());
      Boolean ok = javac.getTask(messages, fileManager, null, options, null,
          fileManager.getJavaFileObjectsFromPaths(files)).call();
      if (!ok || !messages.toString().isBlank()) {
        throw new AssertionError("generated sources do not compile cleanly:\n" + messages);
      }
    }
    return new URLClassLoader(new URL[] {out.toUri().toURL()}, Compiled.class.getClassLoader());
  }

  /** rpc-core and Arrow's jars (surefire may hide the class path behind a manifest-only jar), then the rest. */
  private static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> type : List.of(dev.arrowrpc.core.RpcService.class, org.apache.arrow.vector.VectorSchemaRoot.class,
        org.apache.arrow.memory.BufferAllocator.class)) {
      try {
        entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    entries.add(System.getProperty("java.class.path"));
    return String.join(java.io.File.pathSeparator, entries);
  }
}
