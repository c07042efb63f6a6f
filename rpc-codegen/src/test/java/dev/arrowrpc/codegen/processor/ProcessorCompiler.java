package dev.arrowrpc.codegen.processor;

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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles sources in-process with the JDK's compiler ({@code --release 17}), the processor running or not. */
final class ProcessorCompiler {
  /** The lint options the build compiles with (the root pom's compiler arguments). */
  static final String LINT = "-Xlint:all,-processing,-serial,-options";

  private ProcessorCompiler() {}

  /**
   * One diagnostic as the tests compare it.
   *
   * @param kind error, warning or note
   * @param file the source file's name
   * @param line the line, 1-based
   * @param column the column, 1-based
   * @param message the message
   */
  record Message(Diagnostic.Kind kind, String file, long line, long column, String message) {
    @Override
    public String toString() {
      return kind + " " + file + ":" + line + ":" + column + ": " + message;
    }
  }

  /**
   * What a compilation produced.
   *
   * @param ok whether it succeeded
   * @param messages the diagnostics, in order
   * @param classes the class output directory
   * @param generated the generated sources' directory
   * @param output the compiler's other output
   */
  record Result(boolean ok, List<Message> messages, Path classes, Path generated, String output) {
    List<Message> errors() {
      return messages.stream().filter(m -> m.kind() == Diagnostic.Kind.ERROR).toList();
    }

    ClassLoader loader() throws IOException {
      return new URLClassLoader(new URL[] {classes.toUri().toURL()}, ProcessorCompiler.class.getClassLoader());
    }

    String generatedSource(String relativePath) throws IOException {
      return Files.readString(generated.resolve(relativePath));
    }
  }

  /**
   * Writes the sources (path relative to the source root → text) under {@code dir} and compiles them.
   *
   * @param withProcessor whether {@link RpcServiceProcessor} runs
   * @param parameters whether {@code -parameters} is given
   */
  static Result compile(Path dir, Map<String, String> sources, boolean withProcessor, boolean parameters)
      throws IOException {
    return compile(dir, sources, List.of(), withProcessor, parameters);
  }

  /** Writes the sources and compiles them with extra options (such as the build's {@link #LINT}). */
  static Result compile(Path dir, Map<String, String> sources, List<String> extraOptions, boolean withProcessor,
      boolean parameters) throws IOException {
    Path src = dir.resolve("src");
    List<Path> files = new ArrayList<>();
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = src.resolve(source.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      files.add(file);
    }
    return compile(dir, files, extraOptions, withProcessor, parameters);
  }

  /** Compiles source files (with extra options such as {@code -sourcepath}). */
  static Result compile(Path dir, List<Path> files, List<String> extraOptions, boolean withProcessor,
      boolean parameters) throws IOException {
    Path classes = dir.resolve("classes");
    Path generated = dir.resolve("generated");
    Files.createDirectories(classes);
    Files.createDirectories(generated);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter output = new StringWriter();
    try (StandardJavaFileManager fileManager = javac.getStandardFileManager(null, Locale.ROOT, null)) {
      List<String> options = new ArrayList<>(List.of("--release", "17", "-classpath", classPath(),
          "-d", classes.toString(), "-s", generated.toString()));
      if (parameters) {
        options.add("-parameters");
      }
      if (!withProcessor) {
        options.add("-proc:none");
      }
      options.addAll(extraOptions);
      JavaCompiler.CompilationTask task = javac.getTask(output, fileManager, diagnostics, options, null,
          fileManager.getJavaFileObjectsFromPaths(files));
      if (withProcessor) {
        task.setProcessors(List.of(new RpcServiceProcessor()));
      }
      boolean ok = task.call();
      List<Message> messages = diagnostics.getDiagnostics().stream()
          .map(d -> new Message(d.getKind(),
              d.getSource() == null ? "" : Path.of(d.getSource().toUri()).getFileName().toString(),
              d.getLineNumber(), d.getColumnNumber(), d.getMessage(Locale.ROOT)))
          .toList();
      return new Result(ok, messages, classes, generated, output.toString());
    }
  }

  /** rpc-core's and Arrow's jars or class directories (surefire may hide them behind a manifest jar), then the rest. */
  static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> type : List.of(dev.arrowrpc.core.RpcService.class, org.apache.arrow.vector.VectorSchemaRoot.class,
        org.apache.arrow.memory.BufferAllocator.class, org.apache.arrow.vector.types.pojo.Schema.class)) {
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
