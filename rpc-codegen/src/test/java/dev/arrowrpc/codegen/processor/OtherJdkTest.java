package dev.arrowrpc.codegen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor as a build meets it: found through the service file on {@code -processorpath}
 * (javac 23 and later no longer run processors found on the class path), in another JDK's javac
 * (Temurin 25, where the type model carries type annotations itself) compiling {@code --release
 * 17}. Skipped where that JDK is not installed.
 */
class OtherJdkTest {
  private static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/javac");

  @TempDir Path dir;

  @Test
  void temurin25RunsTheProcessorFromTheProcessorPath() throws Exception {
    assumeTrue(Files.isExecutable(TEMURIN_25), "Temurin 25 is not installed");
    Path src = dir.resolve("src/demo");
    Files.createDirectories(src);
    Files.writeString(src.resolve("Good.java"), """
        package demo;

        import dev.arrowrpc.core.*;
        import java.util.List;

        @RpcService
        public interface Good {
          long add(long a, @Wire(Wire.Type.UINT32) long b);
          void tag(List<@Nullable String> labels);
        }
        """);
    Files.writeString(src.resolve("Bad.java"), """
        package demo;

        import dev.arrowrpc.core.*;

        @RpcService
        public interface Bad {
          void f(@Wire(Wire.Type.UINT8) String s);
        }
        """);
    Path processorPath = Path.of(RpcServiceProcessor.class.getProtectionDomain().getCodeSource().getLocation().toURI());

    Result good = javac(processorPath, src.resolve("Good.java"));
    assertEquals(0, good.status, good.output);
    assertTrue(Files.exists(dir.resolve("generated/demo/Good_ArrowRpc.java")), good.output);
    assertTrue(Files.exists(dir.resolve("classes/demo/Good_ArrowRpc.class")), good.output);

    Result bad = javac(processorPath, src.resolve("Bad.java"));
    assertEquals(1, bad.status, bad.output);
    assertTrue(bad.output.contains("Bad.java:7: error: field 's': @Wire(UINT8) needs long, Long, int, Integer, short,"
        + " Short, byte, Byte or BigInteger, got java.lang.String"), bad.output);
  }

  private record Result(int status, String output) {}

  private Result javac(Path processorPath, Path source) throws Exception {
    List<String> command = new ArrayList<>(List.of(TEMURIN_25.toString(), "--release", "17",
        "-processorpath", processorPath + File.pathSeparator + ProcessorCompiler.classPath(),
        "-classpath", ProcessorCompiler.classPath(),
        "-d", dir.resolve("classes").toString(), "-s", dir.resolve("generated").toString(), source.toString()));
    Files.createDirectories(dir.resolve("classes"));
    Files.createDirectories(dir.resolve("generated"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "javac did not finish");
    return new Result(process.exitValue(), output);
  }
}
