package dev.arrowrpc.codegen.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.generated.GeneratedService;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.schema.MethodSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance service compiled two ways, as the build compiles it today (no {@code -parameters},
 * the processor on the processor path, so unary methods run through the generated invokers) and as
 * before (with {@code -parameters}, no processor: reflection): both describe alike (same methods,
 * schemas and {@code protocol_hash}), give the same results and put the same bytes on the wire, the
 * client's requests and the server's answers, for a call of every unary method of both protocols
 * whose values hold no Arrow data (every type family the service has: scalars of each width and
 * layout, temporal, decimal, enums, records, lists, maps, sets, optional and null values, void).
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
    assertTrue(Files.exists(generated.classes().resolve(PACKAGE + "ConformanceService_ArrowRpcInvoker.class")));
    assertTrue(Files.exists(generated.classes().resolve(PACKAGE + "SecondaryService_ArrowRpcInvoker.class")));
    assertFalse(Files.exists(reflected.classes().resolve(PACKAGE + "ConformanceService_ArrowRpcInvoker.class")));

    Served viaDescriptor = serve(generated.loader());
    Served viaReflection = serve(reflected.loader());
    assertFalse(viaDescriptor.service.getMethod("concatenate", String.class, String.class, String.class)
        .getParameters()[0].isNamePresent(), "compiled without -parameters");
    assertEquals(GeneratedService.className(viaDescriptor.service) ,
        "dev.arrowrpc.conformance.ConformanceService_ArrowRpc");

    Class<?> generatedService = viaDescriptor.service;
    assertSchemasAsReflected(generatedService);
    assertSchemasAsReflected(Class.forName("dev.arrowrpc.conformance.SecondaryService", true, generated.loader()));
    GeneratedInvoker<?> invoker = GeneratedInvoker.find(generatedService).orElseThrow();
    assertTrue(invoker.method("echo_all_types").isPresent());
    assertTrue(invoker.method("produce_n").isPresent(), "a stream method's call opens its stream");
    assertFalse(invoker.method("echo_embedded_arrow").isPresent(), "Arrow data stays on reflection");
    assertTrue(GeneratedInvoker.find(viaReflection.service).isEmpty());

    assertEquals(viaReflection.descriptions, viaDescriptor.descriptions);
    // the hash the processor computed at compile time is the one reflection publishes
    for (int i = 0; i < 2; i++) {
      Class<?> described = Class.forName(i == 0 ? "dev.arrowrpc.conformance.ConformanceService"
          : "dev.arrowrpc.conformance.SecondaryService", true, generated.loader());
      Object descriptorClass = Class.forName(GeneratedService.className(described), true, generated.loader())
          .getConstructor().newInstance();
      assertEquals(Optional.of(viaReflection.descriptions.get(i).protocolHash()),
          ((GeneratedService) descriptorClass).protocolHash(), described.getSimpleName());
    }
    assertEquals(viaReflection.descriptions.get(0).protocolHash(), viaDescriptor.descriptions.get(0).protocolHash());
    assertEquals(viaReflection.descriptions.get(1).protocolHash(), viaDescriptor.descriptions.get(1).protocolHash());
    assertEquals(viaReflection.calls, viaDescriptor.calls);
    assertTrue(viaDescriptor.calls.size() > 50, () -> "too few calls: " + viaDescriptor.calls);
    assertEquals(viaReflection.results, viaDescriptor.results);
    // every call the server answered ran through the generated invoker on one side, reflection on the other
    assertEquals(viaDescriptor.calls.size(), viaDescriptor.servedByInvoker);
    assertEquals(0, viaReflection.servedByInvoker);
    assertArrayEquals(viaReflection.requestBytes, viaDescriptor.requestBytes,
        "the client's bytes on the wire differ");
    assertArrayEquals(viaReflection.answerBytes, viaDescriptor.answerBytes,
        "the server's bytes on the wire differ");
  }

  /**
   * The descriptor states every method's schemas, role by role, as the runtime derives them from
   * the class files.
   */
  private static void assertSchemasAsReflected(Class<?> service) throws Exception {
    GeneratedService descriptor = (GeneratedService) Class.forName(
        GeneratedService.className(service), true, service.getClassLoader()).getConstructor().newInstance();
    int compared = 0;
    for (Method method : service.getMethods()) {
      if (Modifier.isStatic(method.getModifiers()) || method.isDefault()) {
        continue;
      }
      Map<GeneratedService.SchemaRole, Schema> derived = MethodSpec.of(service, method).schemas();
      Map<GeneratedService.SchemaRole, Schema> stated = descriptor.schemas(method.getName());
      assertEquals(derived, stated, method.getName());
      compared += stated.size();
    }
    assertTrue(compared > service.getMethods().length, "every method has at least parameters and one more role");
  }

  /**
   * What one compilation of the service shows: its description, the calls made, their results
   * (rendered), how many the server ran through a generated invoker, and the bytes each side wrote.
   */
  private record Served(Class<?> service, List<ServiceDescription> descriptions, List<String> calls,
      List<String> results, int servedByInvoker, byte[] requestBytes, byte[] answerBytes) {}

  /** One call: the method and its arguments. */
  private record Call(Method method, Object[] args) {
    @Override
    public String toString() {
      return method.getDeclaringClass().getSimpleName() + "." + method.getName() + render(Arrays.asList(args));
    }
  }

  private static Served serve(ClassLoader loader) throws Exception {
    Class<?> service = Class.forName("dev.arrowrpc.conformance.ConformanceService", true, loader);
    Class<?> secondary = Class.forName("dev.arrowrpc.conformance.SecondaryService", true, loader);
    try (BufferAllocator serverMemory = new RootAllocator(); BufferAllocator clientMemory = new RootAllocator()) {
      AtomicInteger servedByInvoker = new AtomicInteger();
      RpcServer server = RpcServer.builder(service, echo(service, servedByInvoker))
          .protocol(secondary, echo(secondary, servedByInvoker))
          .allocator(serverMemory)
          .serverId("same")
          .build();
      Pipe toServer = Pipe.open();
      Pipe toClient = Pipe.open();
      InputStream serverIn = Channels.newInputStream(toServer.source());
      ByteArrayOutputStream answered = new ByteArrayOutputStream();
      OutputStream serverOut = new TeeOutputStream(Channels.newOutputStream(toClient.sink()), answered);
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
      List<Call> calls = new ArrayList<>(calls(service));
      calls.addAll(calls(secondary));
      List<String> results = new ArrayList<>();
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
        Map<Class<?>, Object> proxies = Map.of(service, client.proxy(service), secondary, client.proxy(secondary));
        for (Call call : calls) {
          Object proxy = proxies.get(call.method().getDeclaringClass());
          results.add(render(call.method().invoke(proxy, call.args())));
        }
      }
      serverThread.join(10_000);
      server.close();
      assertEquals(0, clientMemory.getAllocatedMemory());
      assertEquals(0, serverMemory.getAllocatedMemory());
      return new Served(service, descriptions, calls.stream().map(Call::toString).toList(), results,
          servedByInvoker.get(), written.toByteArray(), answered.toByteArray());
    }
  }

  /**
   * A call of every unary method of the interface whose values hold no Arrow data, in name order,
   * with sample arguments; each method with a nullable parameter is called again with null there.
   */
  private static List<Call> calls(Class<?> service) {
    List<Method> methods = new ArrayList<>(List.of(service.getMethods()));
    methods.sort(Comparator.comparing(Method::getName));
    List<Call> calls = new ArrayList<>();
    for (Method method : methods) {
      Class<?> returned = method.getReturnType();
      if (Modifier.isStatic(method.getModifiers()) || method.isDefault() || BatchStream.class == returned
          || Producer.class == returned || Exchange.class == returned) {
        continue;
      }
      try {
        Parameter[] parameters = method.getParameters();
        Object[] args = new Object[parameters.length];
        for (int i = 0; i < args.length; i++) {
          args[i] = sample(parameters[i].getParameterizedType());
        }
        if (returned != void.class) {
          sample(method.getGenericReturnType());
        }
        calls.add(new Call(method, args));
        for (int i = 0; i < args.length; i++) {
          if (parameters[i].getAnnotatedType().isAnnotationPresent(Nullable.class)) {
            Object[] withNull = args.clone();
            withNull[i] = null;
            calls.add(new Call(method, withNull));
          }
        }
      } catch (UnsupportedOperationException arrowData) {
        // Arrow data: reflection on both sides
      }
    }
    return calls;
  }

  /**
   * A sample value of a type, in range for every wire width the service declares (small integers,
   * eight bytes of binary, decimals of scale 4, temporal values at whole microseconds).
   *
   * @throws UnsupportedOperationException for Arrow data
   */
  private static Object sample(Type type) {
    if (type instanceof ParameterizedType parameterized) {
      Type[] arguments = parameterized.getActualTypeArguments();
      Class<?> raw = (Class<?>) parameterized.getRawType();
      if (raw == List.class) {
        return List.of(sample(arguments[0]), sample(arguments[0]));
      }
      if (raw == Set.class) {
        return Set.of(sample(arguments[0]));
      }
      if (raw == Map.class) {
        return Map.of(sample(arguments[0]), sample(arguments[1]));
      }
      if (raw == Optional.class) {
        return Optional.of(sample(arguments[0]));
      }
      throw new IllegalArgumentException("no sample of " + type);
    }
    Class<?> raw = (Class<?>) type;
    if (raw == String.class) {
      return "text";
    }
    if (raw == byte[].class) {
      return new byte[] {1, 2, 3, 4, 5, 6, 7, 8};
    }
    if (raw == long.class || raw == Long.class) {
      return 7L;
    }
    if (raw == int.class || raw == Integer.class) {
      return 7;
    }
    if (raw == short.class || raw == Short.class) {
      return (short) 7;
    }
    if (raw == byte.class || raw == Byte.class) {
      return (byte) 7;
    }
    if (raw == double.class || raw == Double.class) {
      return 1.5;
    }
    if (raw == float.class || raw == Float.class) {
      return 2.5f;
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return true;
    }
    if (raw == BigInteger.class) {
      return BigInteger.valueOf(7);
    }
    if (raw == BigDecimal.class) {
      return new BigDecimal("12.3400");
    }
    if (raw == Instant.class) {
      return Instant.ofEpochSecond(1_700_000_000L, 123_000);
    }
    if (raw == LocalDateTime.class) {
      return LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6_000);
    }
    if (raw == LocalDate.class) {
      return LocalDate.of(2024, 1, 2);
    }
    if (raw == LocalTime.class) {
      return LocalTime.of(12, 34, 56, 789_000);
    }
    if (raw == Duration.class) {
      return Duration.ofMillis(1500);
    }
    if (raw.isEnum()) {
      return raw.getEnumConstants()[raw.getEnumConstants().length - 1];
    }
    if (raw.isRecord()) {
      RecordComponent[] components = raw.getRecordComponents();
      Object[] values = new Object[components.length];
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        values[i] = sample(components[i].getGenericType());
        types[i] = components[i].getType();
      }
      try {
        return raw.getDeclaredConstructor(types).newInstance(values);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    if (raw == VectorSchemaRoot.class || raw == Schema.class) {
      throw new UnsupportedOperationException("Arrow data");
    }
    throw new IllegalArgumentException("no sample of " + type);
  }

  /** A value as text that compares by content (arrays and records of arrays included). */
  private static String render(Object value) {
    if (value instanceof byte[] bytes) {
      return Arrays.toString(bytes);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(GeneratedVersusReflectionTest::render).toList().toString();
    }
    if (value instanceof Set<?> set) {
      return "set" + set.stream().map(GeneratedVersusReflectionTest::render).sorted().toList();
    }
    if (value instanceof Map<?, ?> map) {
      return "map" + map.entrySet().stream().map(e -> render(e.getKey()) + "=" + render(e.getValue()))
          .sorted().toList();
    }
    if (value instanceof Optional<?> optional) {
      return "Optional[" + optional.map(GeneratedVersusReflectionTest::render).orElse("") + "]";
    }
    if (value != null && value.getClass().isRecord()) {
      StringBuilder out = new StringBuilder(value.getClass().getSimpleName()).append('(');
      for (RecordComponent component : value.getClass().getRecordComponents()) {
        try {
          out.append(component.getName()).append('=').append(render(component.getAccessor().invoke(value)))
              .append(' ');
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      return out.append(')').toString();
    }
    return String.valueOf(value);
  }

  /**
   * An implementation answering each unary call with its first argument when the method returns
   * its type, else with a sample of the result type (null for void), counting the calls that came
   * through a generated invoker.
   */
  private static Object echo(Class<?> service, AtomicInteger servedByInvoker) {
    return Proxy.newProxyInstance(service.getClassLoader(), new Class<?>[] {service}, (self, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "hashCode" -> System.identityHashCode(self);
          case "equals" -> self == args[0];
          default -> "echo";
        };
      }
      if (Arrays.stream(new Throwable().getStackTrace())
          .anyMatch(frame -> frame.getClassName().contains(GeneratedInvoker.SUFFIX))) {
        servedByInvoker.incrementAndGet();
      }
      if (method.getReturnType() == void.class) {
        return null;
      }
      if (args != null && method.getGenericReturnType().equals(method.getGenericParameterTypes()[0])) {
        return args[0];
      }
      return sample(method.getGenericReturnType());
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
