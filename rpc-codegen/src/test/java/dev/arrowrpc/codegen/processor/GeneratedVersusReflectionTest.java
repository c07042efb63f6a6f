package dev.arrowrpc.codegen.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.generated.GeneratedService;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance service compiled two ways, as the build compiles it today (no {@code -parameters},
 * the processor on the processor path) and as before (with {@code -parameters}, no processor): both
 * describe alike (same methods, schemas and {@code protocol_hash}) and put the same bytes on the wire
 * for the same calls.
 */
class GeneratedVersusReflectionTest {
  private static final Path CONFORMANCE = Path.of("..", "conformance", "src", "main", "java");
  private static final String PACKAGE = "dev/arrowrpc/conformance/";

  @TempDir Path dir;

  @Test
  void theConformanceServiceDescribesAndCallsAlikeBothWays() throws Exception {
    List<Path> interfaces = List.of(CONFORMANCE.resolve(PACKAGE + "ConformanceService.java"),
        CONFORMANCE.resolve(PACKAGE + "SecondaryService.java"));
    List<String> sourcePath = List.of("-sourcepath", CONFORMANCE.toString(), "-implicit:class");
    ProcessorCompiler.Result generated =
        ProcessorCompiler.compile(dir.resolve("generated"), interfaces, sourcePath, true, false);
    assertTrue(generated.ok(), () -> generated.messages().toString());
    ProcessorCompiler.Result reflected =
        ProcessorCompiler.compile(dir.resolve("reflected"), interfaces, sourcePath, false, true);
    assertTrue(reflected.ok(), () -> reflected.messages().toString());
    assertTrue(Files.exists(generated.classes().resolve(PACKAGE + "ConformanceService_ArrowRpc.class")));
    assertFalse(Files.exists(reflected.classes().resolve(PACKAGE + "ConformanceService_ArrowRpc.class")));

    Served viaDescriptor = serve(generated.loader());
    Served viaReflection = serve(reflected.loader());
    assertFalse(viaDescriptor.service.getMethod("concatenate", String.class, String.class, String.class)
        .getParameters()[0].isNamePresent(), "compiled without -parameters");
    assertEquals(GeneratedService.className(viaDescriptor.service) ,
        "dev.arrowrpc.conformance.ConformanceService_ArrowRpc");

    assertEquals(viaReflection.descriptions, viaDescriptor.descriptions);
    assertEquals(viaReflection.descriptions.get(0).protocolHash(), viaDescriptor.descriptions.get(0).protocolHash());
    assertEquals(viaReflection.results, viaDescriptor.results);
    assertArrayEquals(viaReflection.requestBytes, viaDescriptor.requestBytes,
        "the client's bytes on the wire differ");
  }

  /** What one compilation of the service shows: its description, call results and the client's bytes. */
  private record Served(Class<?> service, List<ServiceDescription> descriptions, List<Object> results,
      byte[] requestBytes) {}

  private static Served serve(ClassLoader loader) throws Exception {
    Class<?> service = Class.forName("dev.arrowrpc.conformance.ConformanceService", true, loader);
    Class<?> secondary = Class.forName("dev.arrowrpc.conformance.SecondaryService", true, loader);
    try (BufferAllocator serverMemory = new RootAllocator(); BufferAllocator clientMemory = new RootAllocator()) {
      RpcServer server = RpcServer.builder(service, echo(service))
          .protocol(secondary, echo(secondary))
          .allocator(serverMemory)
          .serverId("same")
          .build();
      Pipe toServer = Pipe.open();
      Pipe toClient = Pipe.open();
      InputStream serverIn = Channels.newInputStream(toServer.source());
      OutputStream serverOut = Channels.newOutputStream(toClient.sink());
      Thread serverThread = new Thread(() -> {
        try (serverOut) {
          server.serve(serverIn, serverOut);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, "generated-vs-reflection-server");
      serverThread.setDaemon(true);
      serverThread.start();
      InputStream clientIn = Channels.newInputStream(toClient.source());
      ByteArrayOutputStream written = new ByteArrayOutputStream();
      OutputStream clientOut = new TeeOutputStream(Channels.newOutputStream(toServer.sink()), written);
      List<ServiceDescription> descriptions;
      List<Object> results;
      try (RpcClient client = RpcClient.builder(new ByteTransport() {
        @Override
        public InputStream input() {
          return clientIn;
        }

        @Override
        public OutputStream output() {
          return clientOut;
        }

        @Override
        public void close() throws IOException {
          clientOut.close();
          clientIn.close();
        }
      }).allocator(clientMemory).build()) {
        descriptions = List.of(client.describe("ConformanceService"), client.describe("conformance.Secondary.v1"));
        Object proxy = client.proxy(service);
        results = List.of(
            call(proxy, service, "concatenate", new Class<?>[] {String.class, String.class, String.class},
                "left", "right", "-"),
            call(proxy, service, "add_floats", new Class<?>[] {double.class, double.class}, 1.5, 2.25),
            call(proxy, service, "echo_int", new Class<?>[] {long.class}, 42L));
      }
      serverThread.join(10_000);
      server.close();
      assertEquals(0, clientMemory.getAllocatedMemory());
      assertEquals(0, serverMemory.getAllocatedMemory());
      return new Served(service, descriptions, results, written.toByteArray());
    }
  }

  private static Object call(Object proxy, Class<?> service, String name, Class<?>[] types, Object... args)
      throws Exception {
    Method method = service.getMethod(name, types);
    return method.invoke(proxy, args);
  }

  /** An implementation answering each unary call with its first argument's text (or the argument itself). */
  private static Object echo(Class<?> service) {
    return Proxy.newProxyInstance(service.getClassLoader(), new Class<?>[] {service}, (self, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "hashCode" -> System.identityHashCode(self);
          case "equals" -> self == args[0];
          default -> "echo";
        };
      }
      Class<?> returned = method.getReturnType();
      if (returned == String.class) {
        return args == null ? "" : String.join(String.valueOf(args[args.length - 1]), String.valueOf(args[0]),
            String.valueOf(args[1]));
      }
      if (returned == double.class) {
        return (Double) args[0] + (Double) args[1];
      }
      if (returned == long.class) {
        return args[0];
      }
      throw new UnsupportedOperationException(method.getName());
    });
  }

  /** Writes to two streams. */
  private static final class TeeOutputStream extends OutputStream {
    private final OutputStream out;
    private final OutputStream copy;

    TeeOutputStream(OutputStream out, OutputStream copy) {
      this.out = out;
      this.copy = copy;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      copy.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      copy.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
