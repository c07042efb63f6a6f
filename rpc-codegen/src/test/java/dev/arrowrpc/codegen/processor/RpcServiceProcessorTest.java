package dev.arrowrpc.codegen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.generated.GeneratedService;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ProtocolHash;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.transport.pipe.PipePair;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The processor's checks: each refusal is a compiler error on the offending element, in the words
 * the runtime uses when it refuses the same interface (checked by compiling the interface without
 * the processor and asking {@link ServiceSpec#of}); and what it generates for an interface that
 * passes.
 */
class RpcServiceProcessorTest {
  @TempDir Path dir;

  private static final String HEADER = """
      package demo;

      import dev.arrowrpc.core.*;
      import java.math.BigDecimal;
      import java.math.BigInteger;
      import java.util.*;

      """;

  /** The catalog's list of supported types, as both the runtime and the processor print it. */
  private static final String SUPPORTED = "(supported: String, byte[], long/Long, int/Integer, short/Short,"
      + " byte/Byte, BigInteger (with @Wire), double/Double, float/Float, boolean/Boolean, Instant,"
      + " LocalDateTime, LocalDate, LocalTime, Duration, BigDecimal, enum, List<T>, Set<T>, Map<K, V>,"
      + " Optional<T>, record, VectorSchemaRoot, Schema)";

  /**
   * A refusal: the interface's body, the text the error must point at (the first occurrence after
   * the marker {@code /*here*}{@code /}), the processor's message, and the words the runtime's
   * refusal of the same interface contains (empty when the runtime refuses it elsewhere: a protocol
   * name is checked when the server is built).
   */
  static Stream<Arguments> refusals() {
    return Stream.of(
        refusal("unsupported parameter type", "@RpcService public interface Api { long f(Object /*here*/x); }",
            "x", "field 'x': unsupported type java.lang.Object " + SUPPORTED, true),
        refusal("unsupported result type", "@RpcService public interface Api { Thread /*here*/f(); }",
            "f", "field 'result': unsupported type java.lang.Thread " + SUPPORTED, true),
        refusal("an array other than byte[]", "@RpcService public interface Api { void f(long[] /*here*/xs); }",
            "xs", "field 'xs': unsupported type long[] " + SUPPORTED, true),
        refusal("a wildcard", "@RpcService public interface Api { void f(List<?> /*here*/xs); }",
            "xs", "field 'xs': unsupported type ? (wildcards and type variables cannot be mapped to Arrow)", true),
        refusal("a raw collection", "@RpcService public interface Api { @SuppressWarnings(\"rawtypes\") void f(List /*here*/xs); }",
            "xs", "field 'xs': raw type java.util.List: give its type arguments", true),
        refusal("@Wire on a type that does not answer to it",
            "@RpcService public interface Api { void f(@Wire(Wire.Type.UINT8) String /*here*/s); }",
            "s", "field 's': @Wire(UINT8) needs long, Long, int, Integer, short, Short, byte, Byte or BigInteger,"
                + " got java.lang.String", true),
        refusal("@Wire on a list's item",
            "@RpcService public interface Api { void f(List<@Wire(Wire.Type.DATE32) Long> /*here*/days); }",
            "days", "field 'days': @Wire(DATE32) needs LocalDate, got java.lang.Long", true),
        refusal("BigInteger without @Wire", "@RpcService public interface Api { void f(BigInteger /*here*/n); }",
            "n", "field 'n': BigInteger needs @Wire(...) naming its Arrow type, one of INT8, INT16, INT32, INT64,"
                + " UINT8, UINT16, UINT32, UINT64", true),
        refusal("@Nullable on a primitive", "@RpcService public interface Api { void f(@Nullable long /*here*/n); }",
            "n", "field 'n': @Nullable on primitive long: use the boxed type or Optional", true),
        refusal("decimal precision out of range",
            "@RpcService public interface Api { void f(@Wire(value = Wire.Type.DECIMAL128, precision = 40) BigDecimal /*here*/d); }",
            "d", "field 'd': decimal128 needs 1 <= precision <= 38 and 0 <= scale <= precision, got (40, 18)", true),
        refusal("Optional of Optional", "@RpcService public interface Api { void f(Optional<Optional<String>> /*here*/o); }",
            "o", "field 'o': Optional<Optional<...>> cannot be mapped: use one Optional", true),
        refusal("a record component",
            "@RpcService public interface Api { record Inner(Object x) {} record Outer(Inner inner) {}"
                + " void f(Outer /*here*/p); }",
            "p", "field 'p': Outer.inner: Inner.x: unsupported type java.lang.Object " + SUPPORTED, true),
        refusal("a producer's row type that is not a record",
            "@RpcService public interface Api { Producer<String> /*here*/rows(); }",
            "rows", "the output row type must be a record whose components are the columns, got java.lang.String",
            true),
        refusal("a raw producer", "@RpcService public interface Api { @SuppressWarnings(\"rawtypes\") Producer /*here*/rows(); }",
            "rows", "raw Producer: give its row types", true),
        refusal("an exchange's input row type",
            "@RpcService public interface Api { record Out(long n) {} Exchange<Long, Out> /*here*/scale(); }",
            "scale", "the input row type must be a record whose components are the columns, got java.lang.Long", true),
        refusal("a recursive row record",
            "@RpcService public interface Api { record Node(long v, List<Node> children) {} Producer<Node> /*here*/tree(); }",
            "tree", "Node.children: record Node contains itself: recursive records cannot be"
                + " mapped to a fixed Arrow schema", true),
        refusal("a header with an unmappable component",
            "@RpcService public interface Api { record Row(long n) {} record Totals(Object x) {}"
                + " @StreamHeader(Totals/*here*/.class) Producer<Row> rows(); }",
            ".class", "Totals.x: unsupported type java.lang.Object " + SUPPORTED, true),
        refusal("@StreamHeader on a unary method",
            "@RpcService public interface Api { record Totals(long n) {} /*here*/@StreamHeader(Totals.class) long f(); }",
            "@StreamHeader", "@StreamHeader is only for Producer and Exchange methods", true),
        refusal("@StreamKind on a producer",
            "@RpcService public interface Api { record Row(long n) {} /*here*/@StreamKind(StreamKind.Kind.PRODUCER)"
                + " Producer<Row> rows(); }",
            "@StreamKind", "@StreamKind is only for BatchStream methods (Producer and Exchange state their kind)", true),
        refusal("overloaded methods", "@RpcService public interface Api { void f(long a); void /*here*/f(String a); }",
            "f", "overloaded methods cannot share a wire name: 'f' is already a method of protocol Api (give one of"
                + " them another name)", "overloaded methods cannot share a wire name"),
        refusal("a reserved method name", "@RpcService public interface Api { void /*here*/__describe__(); }",
            "__describe__", "names starting with __ are reserved", true),
        refusal("CallContext on the interface", "@RpcService public interface Api { void f(CallContext /*here*/ctx); }",
            "ctx", "CallContext belongs on the implementation's method, not the interface", true),
        refusal("a version that is not canonical semver",
            "@RpcService(version = /*here*/\"1.0\") public interface Api { void f(); }",
            "\"1.0\"", "version '1.0' is not canonical semver MAJOR.MINOR.PATCH", true),
        refusal("a protocol name outside the grammar",
            "@RpcService(name = /*here*/\"my-proto\") public interface Api { void f(); }",
            "\"my-proto\"", "a protocol name must match [A-Za-z_][A-Za-z0-9_.]*", false),
        refusal("a protocol name under the reserved prefix",
            "@RpcService(name = /*here*/\"vgi_rpc.Mine\") public interface Api { void f(); }",
            "\"vgi_rpc.Mine\"", "protocol name 'vgi_rpc.Mine' uses the prefix 'vgi_rpc.', which is reserved for the"
                + " framework's protocols", false),
        refusal("a class", "@RpcService public /*here*/class Api { }",
            "class", "demo.Api is not an interface: @RpcService marks a service interface",
            "demo.Api is not an interface"));
  }

  private static Arguments refusal(String what, String body, String token, String message, boolean runtimeTwin) {
    return Arguments.of(what, body, token, message, runtimeTwin ? message : "");
  }

  /** A refusal the runtime states in fewer words (the processor adds what to do). */
  private static Arguments refusal(String what, String body, String token, String message, String runtime) {
    return Arguments.of(what, body, token, message, runtime);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesWithTheRuntimesWordsOnTheOffendingElement(String what, String body, String token, String message,
      String runtimeWords) throws Exception {
    String source = HEADER + body + "\n";
    ProcessorCompiler.Result result =
        ProcessorCompiler.compile(dir.resolve("processed"), Map.of("demo/Api.java", source), true, false);
    assertFalse(result.ok(), what);
    assertEquals(List.of(message), result.errors().stream().map(ProcessorCompiler.Message::message).toList(),
        () -> what + ": " + result.messages());
    ProcessorCompiler.Message error = result.errors().get(0);
    assertEquals("Api.java", error.file());
    assertEquals(expectedPosition(source, token), List.of(error.line(), error.column()),
        () -> what + ": the error is at " + error + ", not at '" + token + "'");

    if (!runtimeWords.isEmpty()) {
      ProcessorCompiler.Result plain =
          ProcessorCompiler.compile(dir.resolve("plain"), Map.of("demo/Api.java", source), false, true);
      assertTrue(plain.ok(), () -> what + ": " + plain.messages());
      Class<?> api = Class.forName("demo.Api", true, plain.loader());
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ServiceSpec.of(api));
      String runtime = refused.getMessage();
      assertTrue(runtime.contains(runtimeWords), () -> what + ": the runtime says '" + runtime
          + "', the processor '" + message + "'");
    }
  }

  /** The line and column (1-based) of the token after the {@code /*here*}{@code /} marker. */
  private static List<Long> expectedPosition(String source, String token) {
    int marker = source.indexOf("/*here*/");
    int at = source.indexOf(token, marker);
    long line = source.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    long column = at - source.lastIndexOf('\n', at - 1);
    return List.of(line, column);
  }

  @Test
  void acceptsWhatTheRuntimeAcceptsAndGeneratesTheDescriptor() throws Exception {
    String source = HEADER + """
        @RpcService(name = "demo.Shapes", version = "1.2.3")
        public interface Api {
          enum Color { RED, GREEN }
          record Point(double x, @Nullable Double y, List<@Wire(Wire.Type.UINT8) Integer> tags) {}
          record Totals(long count) {}
          long add(long a, @Wire(Wire.Type.UINT32) long b);
          @Wire(Wire.Type.LARGE_UTF8) String name(Optional<Color> color, Map<String, List<Point>> points);
          void touch(@Wire(value = Wire.Type.FIXED_SIZE_BINARY, byteWidth = 4) byte[] id,
              @Wire(Wire.Type.INT64) BigInteger big, @Nullable String note);
          @StreamHeader(Totals.class) Producer<Point> points(int count);
          Exchange<Point, Totals> count(Set<String> labels);
          @StreamKind(StreamKind.Kind.EXCHANGE) BatchStream raw(org.apache.arrow.vector.types.pojo.Schema schema);
          default long twice(long a) { return add(a, a); }
          static Api none() { return null; }

          @RpcService interface Nested { void ping(String message); }
        }
        """;
    ProcessorCompiler.Result result =
        ProcessorCompiler.compile(dir, Map.of("demo/Api.java", source), true, false);
    assertTrue(result.ok(), () -> result.messages().toString());
    assertEquals(List.of(), result.messages().stream().filter(m -> m.kind() != Diagnostic.Kind.NOTE).toList());

    String generated = result.generatedSource("demo/Api_ArrowRpc.java");
    assertTrue(generated.contains("public final class Api_ArrowRpc implements"
        + " dev.arrowrpc.core.generated.GeneratedService {"), generated);
    assertTrue(generated.contains("java.util.Map.entry(\"touch\", java.util.List.of(\"id\", \"big\", \"note\"))"),
        generated);
    assertTrue(generated.contains(
        "java.util.Map.entry(\"touch\", java.util.List.of(\"byte[]\", \"java.math.BigInteger\", \"java.lang.String\"))"),
        generated);
    assertTrue(generated.contains("return demo.Api.class;"), generated);
    assertTrue(generated.contains("return \"demo.Shapes\";"), generated);
    assertTrue(generated.contains("return java.util.Optional.of(\"1.2.3\");"), generated);
    assertFalse(generated.contains("twice") || generated.contains("none"), generated);
    assertTrue(result.generatedSource("demo/Api_Nested_ArrowRpc.java").contains("return demo.Api.Nested.class;"));

    ClassLoader loader = result.loader();
    Class<?> api = Class.forName("demo.Api", true, loader);
    GeneratedService descriptor = (GeneratedService) Class.forName(GeneratedService.className(api), true, loader)
        .getConstructor().newInstance();
    assertEquals(api, descriptor.serviceType());
    assertEquals("demo.Shapes", descriptor.protocol());
    assertEquals(Optional.of("1.2.3"), descriptor.version());
    assertEquals(Optional.of(List.of("labels")), descriptor.parameterNames("count"));
    String hash = ProtocolHash.of(ServiceSpec.of(api));
    assertEquals(Optional.of(hash), descriptor.protocolHash(), "known at compile time, as the runtime computes it");
    assertTrue(generated.contains("  public static final String PROTOCOL_HASH = \"" + hash + "\";"), generated);
    assertEquals(hash, Class.forName(GeneratedService.className(api), true, loader).getField("PROTOCOL_HASH").get(null));
    assertEquals(Optional.empty(), descriptor.parameterNames("twice"));

    // compiled without -parameters, the runtime names the fields from the descriptor
    assertFalse(api.getMethod("add", long.class, long.class).getParameters()[0].isNamePresent());
    ServiceSpec spec = ServiceSpec.of(api);
    assertEquals(List.of("add", "count", "name", "points", "raw", "touch"), List.copyOf(spec.methods().keySet()));
    assertEquals(List.of("a", "b"), spec.methods().get("add").params().columns().stream()
        .map(column -> column.name()).toList());
    assertEquals(List.of("id", "big", "note"), spec.methods().get("touch").params().columns().stream()
        .map(column -> column.name()).toList());
  }

  /** Every entry of the type catalog and every override, in each place a schema can hold them. */
  private static final String ZOO = HEADER + """
      import java.time.*;
      import org.apache.arrow.vector.VectorSchemaRoot;
      import org.apache.arrow.vector.types.pojo.Schema;

      @RpcService(name = "demo.Zoo")
      public interface Zoo {
        int PRECISION = 10;
        enum Color { RED, GREEN }
        enum Size { S, M }
        record Inner(Color color, @Wire(Wire.Type.DICTIONARY_UTF8) String tag, @Nullable Size size) {}
        record Row(long id, Optional<Inner> inner, List<@Nullable Size> sizes,
            Map<Color, List<Optional<Inner>>> nested, @Nullable(declared = false) String loose) {}
        record Head(@Wire(Wire.Type.UINT16) int version, Set<Color> colors) {}
        String leaves(String s, byte[] bytes, long l, Long boxedLong, int i, Integer boxedInt, short sh, Short
            boxedShort, byte b, Byte boxedByte, double d, Double boxedDouble, float f, Float boxedFloat, boolean
            flag, Boolean boxedFlag, Instant instant, LocalDateTime local, LocalDate date, LocalTime time,
            Duration duration, BigDecimal decimal, VectorSchemaRoot batch, Schema schema);
        @Nullable Color wires(@Wire(Wire.Type.UINT64) long u64, @Wire(Wire.Type.UINT8) Short u8,
            @Wire(Wire.Type.INT16) BigInteger big, @Wire(Wire.Type.FLOAT32) double narrow,
            @Wire(Wire.Type.LARGE_UTF8) String large, @Wire(Wire.Type.LARGE_BINARY) byte[] largeBytes,
            @Wire(value = Wire.Type.FIXED_SIZE_BINARY, byteWidth = 16) byte[] uuid,
            @Wire(value = Wire.Type.DECIMAL128, precision = 12, scale = 3) BigDecimal money,
            @Wire(Wire.Type.DICTIONARY_UTF8) String first, Color second, Optional<@Wire(Wire.Type.DICTIONARY_UTF8)
            String> third);
        Row records(Inner cell, @Nullable Row maybe, List<Row> rows, Map<String, Inner> byName);
        void nothing();
        @StreamHeader(Head.class) Producer<Row> produce(Optional<Color> color);
        Exchange<Inner, Row> exchange(Set<Size> sizes);
        @StreamHeader(Head.class) @StreamKind(StreamKind.Kind.PRODUCER) BatchStream raw(int limit);
        BigDecimal constant(@Wire(value = Wire.Type.DECIMAL128, precision = PRECISION, scale = 2) BigDecimal value);
      }
      """;

  @Test
  void theDescriptorStatesTheSchemasTheRuntimeDerives() throws Exception {
    ProcessorCompiler.Result result = ProcessorCompiler.compile(dir, Map.of("demo/Zoo.java", ZOO), true, false);
    assertTrue(result.ok(), () -> result.messages().toString());
    Class<?> zoo = Class.forName("demo.Zoo", true, result.loader());
    GeneratedService descriptor = (GeneratedService) Class.forName(GeneratedService.className(zoo), true,
        result.loader()).getConstructor().newInstance();
    List<String> stated = new ArrayList<>();
    for (Method method : zoo.getMethods()) {
      Map<GeneratedService.SchemaRole, Schema> derived = MethodSpec.of(zoo, method).schemas();
      Map<GeneratedService.SchemaRole, Schema> built = descriptor.schemas(method.getName());
      if (built.isEmpty()) {
        continue;
      }
      stated.add(method.getName());
      assertEquals(derived, built, method.getName());
    }
    stated.sort(null);
    // a @Wire attribute given as a constant is read from the source only by compilers that attach type
    // annotations before attribution (JDK 22 and later); earlier, that method's schemas are left to the runtime
    List<String> expected = new ArrayList<>(List.of("exchange", "leaves", "nothing", "produce", "raw",
        "records", "wires"));
    if (Runtime.version().feature() >= 22) {
      expected.add(0, "constant");
    }
    assertEquals(expected, stated);
    // the hash needs every method's schemas: before JDK 22 the constant attribute leaves it to the runtime
    assertEquals(Runtime.version().feature() >= 22 ? Optional.of(ProtocolHash.of(ServiceSpec.of(zoo))) : Optional.empty(),
        descriptor.protocolHash());
    Map<GeneratedService.SchemaRole, Schema> produce = descriptor.schemas("produce");
    assertEquals(Set.of(GeneratedService.SchemaRole.PARAMETERS, GeneratedService.SchemaRole.OUTPUT,
        GeneratedService.SchemaRole.HEADER), produce.keySet());
    // the dictionaries are numbered per schema, in the mapper's order, binary cells' records included
    Schema wires = descriptor.schemas("wires").get(GeneratedService.SchemaRole.PARAMETERS);
    assertEquals(List.of(0L, 1L, 2L), wires.getFields().stream().filter(f -> f.getDictionary() != null)
        .map(f -> f.getDictionary().getId()).toList());
    Schema records = descriptor.schemas("records").get(GeneratedService.SchemaRole.PARAMETERS);
    assertEquals("binary", records.findField("cell").getType().toString().toLowerCase(java.util.Locale.ROOT));
    String generated = result.generatedSource("demo/Zoo_ArrowRpc.java");
    // built by code, no parsing: the header's first field as the builder writes it
    assertTrue(generated.contains("dev.arrowrpc.core.generated.GeneratedService.SchemaRole.HEADER, schema(\n"
        + "          field(\"version\", false, new org.apache.arrow.vector.types.pojo.ArrowType.Int(16, false), null),"),
        generated);
  }

  @Test
  void aRecordFromAClassFileHasItsSchemaStatedOnlyWhereTheCompilerSeesItsTypeAnnotations() throws Exception {
    ProcessorCompiler.Result library = ProcessorCompiler.compile(dir.resolve("library"), Map.of("lib/Reading.java",
        "package lib; public record Reading(@dev.arrowrpc.core.Wire(dev.arrowrpc.core.Wire.Type.UINT32) long value) {}\n"),
        false, false);
    assertTrue(library.ok(), () -> library.messages().toString());
    ProcessorCompiler.Result result = ProcessorCompiler.compile(dir.resolve("service"), Map.of("demo/Meter.java",
        HEADER + "@RpcService public interface Meter { lib.Reading read(long id); long plain(long id); }\n"),
        List.of("-classpath", ProcessorCompiler.classPath() + java.io.File.pathSeparator + library.classes()),
        true, false);
    assertTrue(result.ok(), () -> result.messages().toString());
    ClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {result.classes().toUri().toURL(),
        library.classes().toUri().toURL()}, getClass().getClassLoader());
    Class<?> meter = Class.forName("demo.Meter", true, loader);
    GeneratedService descriptor = (GeneratedService) Class.forName(GeneratedService.className(meter), true, loader)
        .getConstructor().newInstance();
    assertEquals(Set.of(GeneratedService.SchemaRole.PARAMETERS, GeneratedService.SchemaRole.RESULT),
        descriptor.schemas("plain").keySet());
    Map<GeneratedService.SchemaRole, Schema> read = descriptor.schemas("read");
    if (Runtime.version().feature() >= 22) {
      // read from the class file, the record's @Wire is in the record's schema (a binary cell here: the
      // record is a result) and the stated schemas match the runtime's
      assertEquals(MethodSpec.of(meter, meter.getMethod("read", long.class)).schemas().get(
          GeneratedService.SchemaRole.RESULT), read.get(GeneratedService.SchemaRole.RESULT));
    } else {
      assertEquals(Map.of(), read, "javac 17 does not show a class file's type annotations to processors");
    }
  }

  @Test
  void withoutDescriptorOrParameterNamesTheRuntimeSaysHowToGetThem() throws Exception {
    String source = HEADER + "@RpcService public interface Api { long add(long a, long b); }\n";
    ProcessorCompiler.Result plain = ProcessorCompiler.compile(dir, Map.of("demo/Api.java", source), false, false);
    assertTrue(plain.ok(), () -> plain.messages().toString());
    Class<?> api = Class.forName("demo.Api", true, plain.loader());
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> MethodSpec.of(api, api.getMethod("add", long.class, long.class)));
    assertTrue(refused.getMessage().contains("compile the interface with javac -parameters"), refused.getMessage());
    assertTrue(refused.getMessage().contains("or put rpc-codegen on the annotation processor path"),
        refused.getMessage());
  }

  @Test
  void aStaleDescriptorIsIgnored() throws Exception {
    // the descriptor of an earlier build (other parameter types) must not name today's parameters
    String stale = HEADER + """
        @RpcService public interface Api { long add(long a, long b); }
        """;
    ProcessorCompiler.Result first = ProcessorCompiler.compile(dir.resolve("first"),
        Map.of("demo/Api.java", stale), true, false);
    assertTrue(first.ok(), () -> first.messages().toString());
    String today = HEADER + "@RpcService public interface Api { long add(int left, int right); }\n";
    ProcessorCompiler.Result second = ProcessorCompiler.compile(dir.resolve("second"),
        Map.of("demo/Api.java", today), false, true);
    assertTrue(second.ok(), () -> second.messages().toString());
    java.nio.file.Files.copy(first.classes().resolve("demo/Api_ArrowRpc.class"),
        second.classes().resolve("demo/Api_ArrowRpc.class"));
    Class<?> api = Class.forName("demo.Api", true, second.loader());
    assertEquals(List.of("left", "right"), ServiceSpec.of(api).methods().get("add").params().columns().stream()
        .map(column -> column.name()).toList());
  }

  @Test
  void inheritedMethodsAndTheUnnamedPackage() throws Exception {
    ProcessorCompiler.Result result = ProcessorCompiler.compile(dir, Map.of(
        "Base.java", "public interface Base { long ping(long token); default long twice(long a) { return a; } }\n",
        "Api.java", "@dev.arrowrpc.core.RpcService public interface Api extends Base { String hello(String name); }\n"),
        true, false);
    assertTrue(result.ok(), () -> result.messages().toString());
    Class<?> api = Class.forName("Api", true, result.loader());
    assertEquals("Api_ArrowRpc", GeneratedService.className(api));
    ServiceSpec spec = ServiceSpec.of(api);
    assertEquals(List.of("hello", "ping"), List.copyOf(spec.methods().keySet()));
    assertEquals(List.of("token"), spec.methods().get("ping").params().columns().stream()
        .map(column -> column.name()).toList());
  }

  /** A small interface: unary methods of several type families, void, nullable, a stream and Arrow data. */
  private static final String CALLS = HEADER + """
      @RpcService(name = "demo.Calls")
      public interface Calls {
        enum Color { RED, GREEN }
        record Point(long x, @Nullable String label) {}
        record Held(org.apache.arrow.vector.VectorSchemaRoot batch) {}
        long add(long a, @Wire(Wire.Type.UINT32) long b);
        void touch(int count, short s, byte b, float f, boolean flag);
        @Nullable String describe(@Nullable Long id, List<@Nullable String> tags, Map<String, Point> points,
            Optional<Color> color, byte @Wire(Wire.Type.LARGE_BINARY) [] data);
        double ratio(double x);
        long shadow(long row, String java, String target);
        Producer<Point> points(int count);
        org.apache.arrow.vector.VectorSchemaRoot table(long rows);
        String held(Held holder);
        default long doubled(long a) { return add(a, a); }
      }
      """;

  /** Its implementation: each answer says whether the call came through the generated invoker. */
  private static final String CALLS_IMPL = HEADER + """
      public final class CallsImpl implements Calls {
        static String path() {
          return Arrays.stream(new Throwable().getStackTrace())
              .anyMatch(frame -> frame.getClassName().startsWith("demo.Calls_ArrowRpcInvoker"))
              ? "generated" : "reflected";
        }
        public long add(long a, long b) { return path().equals("generated") ? a + b : -1; }
        public void touch(int count, short s, byte b, float f, boolean flag) {}
        public String describe(Long id, List<String> tags, Map<String, Point> points, Optional<Color> color,
            byte[] data) {
          return path() + " " + id + " " + tags + " " + points + " " + color + " " + data.length;
        }
        public double ratio(double x) { return x / 2; }
        public long shadow(long row, String java, String target) { return row + java.length() + target.length(); }
        public Producer<Point> points(int count) {
          String path = path();
          int[] left = {count};
          return Producer.of((out, context) -> {
            if (left[0] > 0) {
              out.emitRow(new Point(left[0]--, path));
            } else {
              out.finish();
            }
          });
        }
        public org.apache.arrow.vector.VectorSchemaRoot table(long rows) { throw new UnsupportedOperationException(); }
        public String held(Held holder) { return path(); }
      }
      """;

  @Test
  void generatesTheInvokerOfEachUnaryMethod() throws Exception {
    ProcessorCompiler.Result result = ProcessorCompiler.compile(dir,
        Map.of("demo/Calls.java", CALLS, "demo/CallsImpl.java", CALLS_IMPL), List.of(ProcessorCompiler.LINT),
        true, false);
    assertTrue(result.ok(), () -> result.messages().toString());
    assertEquals(List.of(), result.messages().stream().filter(m -> m.kind() != Diagnostic.Kind.NOTE).toList(),
        "the generated sources compile without warnings under the build's lint options");
    String generated = result.generatedSource("demo/Calls_ArrowRpcInvoker.java");
    for (String expected : List.of(
        "@javax.annotation.processing.Generated(value = \"dev.arrowrpc.codegen.processor.RpcServiceProcessor\","
            + " comments = \"from demo.Calls\")\n"
            + "public final class Calls_ArrowRpcInvoker implements"
            + " dev.arrowrpc.core.generated.GeneratedInvoker<demo.Calls> {\n",
        """
          @Override
          public java.lang.Class<demo.Calls> service() {
            return demo.Calls.class;
          }
        """,
        // one case per method; the Arrow-valued ones are left to reflection
        """
          public java.util.Optional<Method<demo.Calls>> method(java.lang.String name) {
            return switch (name) {
              case "add" -> java.util.Optional.of(ADD);
              case "describe" -> java.util.Optional.of(DESCRIBE);
              case "points" -> java.util.Optional.of(POINTS);
              case "ratio" -> java.util.Optional.of(RATIO);
              case "shadow" -> java.util.Optional.of(SHADOW);
              case "touch" -> java.util.Optional.of(TOUCH);
              default -> java.util.Optional.empty();
            };
          }
        """,
        // primitives, a wire override on one: typed accessors; a primitive result
        """
          private static final Method<demo.Calls> ADD = new Method<>() {
            @Override
            public Call<demo.Calls> read(ParameterRow row) {
              long a = row.getLong(0);
              long b = row.getLong(1);
              return target -> target.add(a, b);
            }

            @Override
            public void write(java.lang.Object[] args, ParameterWriter row) {
              row.setLong(0, (java.lang.Long) args[0]);
              row.setLong(1, (java.lang.Long) args[1]);
            }

            @Override
            public java.lang.Object readResult(ResultRow result) {
              return result.getLong(0);
            }
          };
        """,
        // boxed, containers, a record, an enum in an Optional, binary: get and a cast, unchecked ones
        // suppressed on their own variable; a nullable result read with get
        """
            public Call<demo.Calls> read(ParameterRow row) {
              java.lang.Long id = (java.lang.Long) row.get(0);
              @SuppressWarnings("unchecked")
              java.util.List<java.lang.String> tags = (java.util.List<java.lang.String>) row.get(1);
              @SuppressWarnings("unchecked")
              java.util.Map<java.lang.String, demo.Calls.Point> points = (java.util.Map<java.lang.String, demo.Calls.Point>) row.get(2);
              @SuppressWarnings("unchecked")
              java.util.Optional<demo.Calls.Color> color = (java.util.Optional<demo.Calls.Color>) row.get(3);
              byte[] data = (byte[]) row.get(4);
              return target -> target.describe(id, tags, points, color, data);
            }

            @Override
            public void write(java.lang.Object[] args, ParameterWriter row) {
              row.set(0, args[0]);
              row.set(1, args[1]);
              row.set(2, args[2]);
              row.set(3, args[3]);
              row.set(4, args[4]);
            }

            @Override
            public java.lang.Object readResult(ResultRow result) {
              return result.get(0);
            }
        """,
        // parameters named like the row, a package the casts name and the lambda's parameter
        """
              long row_ = row.getLong(0);
              java.lang.String java_ = (java.lang.String) row.get(1);
              java.lang.String target_ = (java.lang.String) row.get(2);
              return target -> target.shadow(row_, java_, target_);
        """,
        // void: call, then null; every other primitive's accessor
        """
              int count = row.getInt(0);
              short s = row.getShort(1);
              byte b = row.getByte(2);
              float f = row.getFloat(3);
              boolean flag = row.getBoolean(4);
              return target -> {
                target.touch(count, s, b, f, flag);
                return null;
              };
            }

            @Override
            public void write(java.lang.Object[] args, ParameterWriter row) {
              row.setInt(0, (java.lang.Integer) args[0]);
              row.setShort(1, (java.lang.Short) args[1]);
              row.setByte(2, (java.lang.Byte) args[2]);
              row.setFloat(3, (java.lang.Float) args[3]);
              row.setBoolean(4, (java.lang.Boolean) args[4]);
            }

            @Override
            public java.lang.Object readResult(ResultRow result) {
              return null;
            }
        """)) {
      assertTrue(generated.contains(expected), () -> "missing:\n" + expected + "\nin:\n" + generated);
    }
    // a stream method: its call opens the stream; it has no unary result
    assertTrue(generated.contains("""
            public Call<demo.Calls> read(ParameterRow row) {
              int count = row.getInt(0);
              return target -> target.points(count);
            }
        """), generated);
    assertTrue(generated.contains("""
            public java.lang.Object readResult(ResultRow result) {
              throw new java.lang.UnsupportedOperationException("points is a stream method: it has no unary result");
            }
        """), generated);
    // the Arrow-valued methods have no invoker code; the client hands them to the runtime like the others
    assertFalse(generated.contains("case \"table\"") || generated.contains("case \"held\""), generated);
    assertTrue(generated.contains("""
            @Override
            public org.apache.arrow.vector.VectorSchemaRoot table(long arg$0) {
              return (org.apache.arrow.vector.VectorSchemaRoot) this.remote$.call(6, new java.lang.Object[] {arg$0});
            }
        """), generated);
    assertTrue(generated.contains("""
            @Override
            @SuppressWarnings("unchecked")
            public dev.arrowrpc.core.Producer<demo.Calls.Point> points(int arg$0) {
        """), generated);

    ClassLoader loader = result.loader();
    Class<?> api = Class.forName("demo.Calls", true, loader);
    GeneratedInvoker<?> invoker = GeneratedInvoker.find(api).orElseThrow();
    assertEquals(api, invoker.service());
    for (String name : List.of("add", "touch", "describe", "ratio", "shadow", "points")) {
      assertTrue(invoker.method(name).isPresent(), name);
    }
    for (String name : List.of("table", "held", "nothing")) {
      assertEquals(Optional.empty(), invoker.method(name), name);
    }

    // served and called: the unary and stream methods run through the invoker, the Arrow-valued one through reflection
    Object implementation = Class.forName("demo.CallsImpl", true, loader).getConstructor().newInstance();
    try (BufferAllocator serverMemory = new RootAllocator(); BufferAllocator clientMemory = new RootAllocator()) {
      RpcServer server = RpcServer.builder(api, implementation).allocator(serverMemory).build();
      try (PipePair pipe = PipePair.serve(server);
          RpcClient client = RpcClient.builder(pipe.client()).allocator(clientMemory).build()) {
        Object proxy = client.proxy(api);
        // the client is the generated class, not a java.lang.reflect.Proxy, and behaves as a proxy does
        assertFalse(java.lang.reflect.Proxy.isProxyClass(proxy.getClass()));
        assertEquals("demo.Calls_ArrowRpcInvoker$Client", proxy.getClass().getName());
        assertEquals(List.of("add", "describe", "held", "points", "ratio", "shadow", "table", "touch"),
            invoker.clientMethods());
        assertEquals("demo.Calls proxy", proxy.toString());
        assertEquals(System.identityHashCode(proxy), proxy.hashCode());
        assertTrue(proxy.equals(proxy));
        assertFalse(proxy.equals(implementation));
        assertEquals(8L, invoke(proxy, api, "doubled", 4L), "a default method runs here, its calls remote");
        Class<?> point = Class.forName("demo.Calls$Point", true, loader);
        Object red = Class.forName("demo.Calls$Color", true, loader).getEnumConstants()[0];
        assertEquals(5L, invoke(proxy, api, "add", 2L, 3L));
        assertEquals(null, invoke(proxy, api, "touch", 1, (short) 2, (byte) 3, 4f, true));
        assertEquals("generated null [a, null] {p=Point[x=1, label=null]} Optional[RED] 3",
            invoke(proxy, api, "describe", null, java.util.Arrays.asList("a", null),
                Map.of("p", point.getConstructors()[0].newInstance(1L, null)), Optional.of(red), new byte[3]));
        assertEquals(1.25, invoke(proxy, api, "ratio", 2.5));
        assertEquals(6L, invoke(proxy, api, "shadow", 1L, "ab", "cde"));
        List<String> points = new java.util.ArrayList<>();
        try (Producer<?> stream = (Producer<?>) invoke(proxy, api, "points", 2)) {
          stream.forEach(row -> points.add(row.toString()));
        }
        assertEquals(List.of("Point[x=2, label=generated]", "Point[x=1, label=generated]"), points,
            "the stream was opened through the generated invoker");
        Object held = Class.forName("demo.Calls$Held", true, loader).getConstructors()[0]
            .newInstance((Object) null);
        assertThrows(java.lang.reflect.InvocationTargetException.class, () -> invoke(proxy, api, "held", held),
            "a null batch is refused (the record's component is not nullable)");
        java.lang.reflect.InvocationTargetException table = assertThrows(
            java.lang.reflect.InvocationTargetException.class, () -> invoke(proxy, api, "table", 1L),
            "the Arrow-valued method is called through the runtime's codecs");
        assertTrue(table.getCause() instanceof dev.arrowrpc.core.RpcException, table.getCause().toString());
        assertTrue(table.getCause().getMessage().startsWith("NotImplementedError"), // the implementation threw
            table.getCause().getMessage());
      } finally {
        server.close();
      }
      assertEquals(0, clientMemory.getAllocatedMemory());
      assertEquals(0, serverMemory.getAllocatedMemory());
    }
  }

  @Test
  void invokersCompileCleanlyAroundDeprecationPrivateTypesAndTypeParameters() throws Exception {
    ProcessorCompiler.Result result = ProcessorCompiler.compile(dir, Map.of(
        "demo/Old.java", HEADER + """
            @Deprecated(forRemoval = true)
            @RpcService public interface Old {
              @Deprecated record Legacy(long id) {}
              @Deprecated long gone(Legacy legacy);
            }
            """,
        "demo/Outer.java", HEADER + """
            public class Outer {
              private record Secret(long id) {}
              @RpcService public interface Api {
                long open(long id);
                long hidden(List<Secret> secrets);
              }
            }
            """,
        "demo/Generic.java", HEADER + """
            @RpcService public interface Generic<T> { long ping(long token); }
            """), List.of(ProcessorCompiler.LINT), true, false);
    assertTrue(result.ok(), () -> result.messages().toString());
    assertEquals(List.of(), result.messages().stream().filter(m -> m.kind() != Diagnostic.Kind.NOTE).toList());

    String old = result.generatedSource("demo/Old_ArrowRpcInvoker.java");
    assertTrue(old.contains("@SuppressWarnings({\"deprecation\", \"removal\"})\npublic final class"), old);
    assertTrue(old.contains("demo.Old.Legacy legacy = (demo.Old.Legacy) row.get(0);"), old);
    // a private type cannot be named from the invoker: that method stays on reflection
    String outer = result.generatedSource("demo/Outer_Api_ArrowRpcInvoker.java");
    assertTrue(outer.contains("case \"open\" -> java.util.Optional.of(OPEN);"), outer);
    assertFalse(outer.contains("hidden"), outer);
    assertFalse(outer.contains("@SuppressWarnings({"), outer);
    // an interface with type parameters has a descriptor but no invoker
    assertTrue(java.nio.file.Files.exists(result.generated().resolve("demo/Generic_ArrowRpc.java")));
    assertFalse(java.nio.file.Files.exists(result.generated().resolve("demo/Generic_ArrowRpcInvoker.java")));
    Class<?> api = Class.forName("demo.Outer$Api", true, result.loader());
    assertEquals("demo.Outer_Api_ArrowRpcInvoker", GeneratedInvoker.className(api));
    assertTrue(GeneratedInvoker.find(api).orElseThrow().method("open").isPresent());
    // a method naming a private type cannot be overridden from the invoker either: no client, a proxy
    assertEquals(List.of(), GeneratedInvoker.find(api).orElseThrow().clientMethods());
    assertFalse(outer.contains("class Client"), outer);
    assertTrue(old.contains("private static final class Client implements demo.Old {"), old);
  }

  private static Object invoke(Object proxy, Class<?> api, String name, Object... args) throws Exception {
    for (java.lang.reflect.Method method : api.getMethods()) {
      if (method.getName().equals(name)) {
        return method.invoke(proxy, args);
      }
    }
    throw new NoSuchMethodException(name);
  }
}
