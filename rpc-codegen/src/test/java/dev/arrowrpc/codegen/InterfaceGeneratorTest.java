package dev.arrowrpc.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.reflect.ServiceDescription;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Describes a live in-process server of a test protocol covering every method kind and type
 * family, generates its interface, compiles it with {@code javac --release 17}, and calls through
 * it with {@code RpcClient.proxy} against the same server.
 */
class InterfaceGeneratorTest {
  private static final String PACKAGE = "dev.example.zoo";

  @TempDir Path dir;

  private static ServiceDescription describeZoo() throws Exception {
    try (InProcess server = new InProcess(Zoo.class, new ZooImpl())) {
      return server.client.describe("codegen_zoo");
    }
  }

  private Class<?> compileZoo(ServiceDescription description) throws Exception {
    GeneratedInterface generated = InterfaceGenerator.generate(description, PACKAGE);
    return Compiled.compile(dir, List.of(generated)).loadClass(generated.qualifiedName());
  }

  @Test
  void theInterfaceCarriesTheProtocolNameVersionAndHash() throws Exception {
    ServiceDescription description = describeZoo();
    GeneratedInterface generated = InterfaceGenerator.generate(description, PACKAGE);
    assertEquals("CodegenZoo", generated.simpleName());
    assertEquals("dev/example/zoo/CodegenZoo.java", generated.relativePath());
    assertTrue(generated.source().contains("// Protocol hash: " + description.protocolHash()), generated.source());
    Class<?> service = Compiled.compile(dir, List.of(generated)).loadClass(generated.qualifiedName());
    RpcService annotation = service.getAnnotation(RpcService.class);
    assertEquals("codegen_zoo", annotation.name());
    assertEquals("1.2.0", annotation.version());
    assertEquals(description.protocolHash(), service.getField("PROTOCOL_HASH").get(null));
  }

  @Test
  void generationIsDeterministic() throws Exception {
    String first = InterfaceGenerator.generate(describeZoo(), PACKAGE).source();
    assertEquals(first, InterfaceGenerator.generate(describeZoo(), PACKAGE).source());
  }

  @Test
  void theGeneratedInterfaceServedAgainDescribesTheSameProtocol() throws Exception {
    ServiceDescription original = describeZoo();
    Class<?> service = compileZoo(original);
    Object unimplemented = Proxy.newProxyInstance(service.getClassLoader(), new Class<?>[] {service},
        (proxy, method, args) -> switch (method.getName()) {
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "unimplemented";
          default -> throw new UnsupportedOperationException(method.getName());
        });
    try (InProcess again = new InProcess(service, unimplemented)) {
      ServiceDescription regenerated = again.client.describe("codegen_zoo");
      assertEquals(original.protocolHash(), regenerated.protocolHash());
      assertEquals(original, regenerated, "every method's kind, stream kind and schemas");
    }
  }

  @Test
  void unaryMethodsOfEveryTypeFamilyAnswerThroughTheGeneratedInterface() throws Exception {
    Class<?> service = compileZoo(describeZoo());
    try (InProcess server = new InProcess(Zoo.class, new ZooImpl())) {
      Object zoo = server.client.proxy(service);
      assertEquals(5L, call(zoo, "add", 2L, 3L));
      assertEquals("hello you", call(zoo, "greet", "you"));
      assertNull(call(zoo, "greet", (Object) null));
      assertEquals(2.0, call(zoo, "mean", List.of(1.0, 3.0)));
      assertEquals(Map.of("a", 2L, "b", 1L), call(zoo, "counts", List.of("a", "b", "a")));
      assertEquals("red", call(zoo, "colour", "RED"), "an enum parameter, sent as a dictionary string");
      assertEquals("GREEN", call(zoo, "pick", "GREEN"), "an enum result, read as a dictionary string");
      assertEquals(LocalDate.of(2024, 3, 1), call(zoo, "nextDay", LocalDate.of(2024, 2, 29)));
      assertEquals(Instant.parse("2026-01-01T00:01:00Z"),
          call(zoo, "later", Instant.parse("2026-01-01T00:00:00Z"), Duration.ofMinutes(1)));
      assertEquals(new BigDecimal("3.75"), call(zoo, "total", List.of(new BigDecimal("1.50"), new BigDecimal("2.25"))));
      assertEquals(new BigDecimal("1.250000000000000000"), call(zoo, "plainDecimal", new BigDecimal("1.25")));
      assertEquals(400L, call(zoo, "unsigned", 200L), "a uint8 carried by a long");
      assertArrayEquals(new byte[] {3, 2, 1}, (byte[]) call(zoo, "reverse", (Object) new byte[] {1, 2, 3}));
      assertEquals(true, call(zoo, "flag", true, (short) 2, (byte) 3, 1.5f, null, null));
      assertNull(call(zoo, "ping"));
    }
  }

  @Test
  void structsBecomeRecordsThatTravelBothWays() throws Exception {
    Class<?> service = compileZoo(describeZoo());
    Method shift = method(service, "shift");
    Class<?> point = itemType(shift.getGenericParameterTypes()[0]);
    assertTrue(point.isRecord(), point + " is a record");
    assertEquals(List.of("x", "y"), Arrays.stream(point.getRecordComponents()).map(RecordComponent::getName).toList());
    try (InProcess server = new InProcess(Zoo.class, new ZooImpl())) {
      Object zoo = server.client.proxy(service);
      List<?> shifted = (List<?>) call(zoo, "shift", List.of(create(point, 1L, 2L), create(point, 5L, 6L)), 10L);
      assertEquals(List.of(create(point, 11L, 2L), create(point, 15L, 6L)), shifted);

      List<?> shapes = (List<?>) call(zoo, "shapes", 2);
      Class<?> shape = itemType(method(service, "shapes").getGenericReturnType());
      assertEquals(List.of(
          create(shape, "s0", List.of(create(point, 0L, 0L)), Map.of("w", 0.0), null),
          create(shape, "s1", List.of(create(point, 1L, 1L)), Map.of("w", 1.0), 1)), shapes,
          "a struct holding a list of structs, a map and a nullable field");
    }
  }

  @Test
  void producerStreamsTickThroughTheGeneratedInterface() throws Exception {
    Class<?> service = compileZoo(describeZoo());
    try (InProcess server = new InProcess(Zoo.class, new ZooImpl())) {
      Object zoo = server.client.proxy(service);
      List<Long> numbers = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      try (BatchStream ticks = (BatchStream) call(zoo, "ticks", 3L)) {
        for (Optional<VectorSchemaRoot> batch = ticks.tick(); batch.isPresent(); batch = ticks.tick()) {
          VectorSchemaRoot root = batch.get();
          for (int i = 0; i < root.getRowCount(); i++) {
            numbers.add(((BigIntVector) root.getVector("n")).get(i));
            VarCharVector label = (VarCharVector) root.getVector("label");
            labels.add(label.isNull(i) ? null : label.getObject(i).toString());
          }
        }
      }
      assertEquals(List.of(0L, 1L, 2L), numbers);
      assertEquals(Arrays.asList("even", null, "even"), labels);

      Method withHeader = method(service, "ticksWithHeader");
      Class<?> headerType = withHeader.getAnnotation(dev.arrowrpc.core.StreamHeader.class).value();
      try (BatchStream ticks = (BatchStream) call(zoo, "ticksWithHeader", 2L)) {
        Record header = ticks.header(headerType.asSubclass(Record.class));
        assertEquals(create(headerType, "zoo", 2), header);
        int rows = 0;
        for (Optional<VectorSchemaRoot> batch = ticks.tick(); batch.isPresent(); batch = ticks.tick()) {
          rows += batch.get().getRowCount();
        }
        assertEquals(2, rows);
      }
    }
  }

  @Test
  void exchangeStreamsAnswerEachBatchThroughTheGeneratedInterface() throws Exception {
    Class<?> service = compileZoo(describeZoo());
    Schema samples = new Schema(List.of(
        new Field("x", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null)));
    try (InProcess server = new InProcess(Zoo.class, new ZooImpl())) {
      Object zoo = server.client.proxy(service);
      try (BatchStream scale = (BatchStream) call(zoo, "scale", 2.5);
          VectorSchemaRoot input = VectorSchemaRoot.create(samples, server.clientMemory)) {
        for (double base : new double[] {1.0, 10.0}) {
          Float8Vector x = (Float8Vector) input.getVector("x");
          x.allocateNew(2);
          x.set(0, base);
          x.set(1, base + 1);
          input.setRowCount(2);
          VectorSchemaRoot output = scale.exchange(input);
          Float8Vector y = (Float8Vector) output.getVector("y");
          assertEquals(List.of(base * 2.5, (base + 1) * 2.5), List.of(y.get(0), y.get(1)));
        }
      }
    }
  }

  private static Method method(Class<?> service, String name) {
    return Arrays.stream(service.getMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
  }

  /** Calls a method of a proxy by name, rethrowing what the method threw. */
  private static Object call(Object proxy, String name, Object... args) throws Exception {
    Method method = Arrays.stream(proxy.getClass().getInterfaces())
        .map(type -> method(type, name)).findFirst().orElseThrow();
    try {
      return method.invoke(proxy, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static Class<?> itemType(java.lang.reflect.Type list) {
    return (Class<?>) ((ParameterizedType) list).getActualTypeArguments()[0];
  }

  private static Object create(Class<?> record, Object... values) throws Exception {
    Class<?>[] types = Arrays.stream(record.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
    return record.getDeclaredConstructor(types).newInstance(values);
  }
}
