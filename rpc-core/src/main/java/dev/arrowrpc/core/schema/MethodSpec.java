package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.StreamHeader;
import dev.arrowrpc.core.StreamKind;
import dev.arrowrpc.core.generated.GeneratedService;
import dev.arrowrpc.core.generated.GeneratedService.SchemaRole;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the wire needs to know about one remote method, derived once from the interface
 * method: its kind, parameter and result schemas, and for streams the row, input and header
 * schemas.
 *
 * @param name the method name on the wire
 * @param method the interface method
 * @param kind unary, producer or exchange
 * @param params the parameter columns (request schema)
 * @param result the result schema's layout (unary: one column {@code result}, or none for void)
 * @param output the row type of a typed stream's output, if a typed stream
 * @param input the row type of a typed exchange's input, if a typed exchange
 * @param header the stream header's type, if declared
 */
public record MethodSpec(
    String name,
    Method method,
    MethodKind kind,
    RowLayout params,
    RowLayout result,
    Optional<RecordSchema> output,
    Optional<RecordSchema> input,
    Optional<RecordSchema> header) {

  /** The schema with no fields. */
  public static final Schema EMPTY_SCHEMA = new Schema(List.of());

  private static final Logger LOG = LoggerFactory.getLogger(MethodSpec.class);

  /**
   * Whether the stream accepts input batches, when that is known without running it: true for an
   * exchange, false for a producer, empty for a unary method and for a {@link BatchStream} method
   * that does not declare its {@link StreamKind}.
   *
   * @return the stream's kind as "is an exchange", if known
   */
  public Optional<Boolean> isExchange() {
    return switch (kind) {
      case UNARY -> Optional.empty();
      case PRODUCER -> Optional.of(false);
      case EXCHANGE -> Optional.of(true);
      case STREAM -> Optional.ofNullable(method.getAnnotation(StreamKind.class))
          .map(declared -> declared.value() == StreamKind.Kind.EXCHANGE);
    };
  }

  /**
   * The method's schemas by what they describe: the parameters always, a unary method's result
   * (no columns for {@code void}), a typed stream's output and input rows, and the header when
   * declared. rpc-codegen's processor writes the same map into the descriptor it generates.
   *
   * @return the schemas, in message format, in the roles' order
   */
  public Map<SchemaRole, Schema> schemas() {
    Map<SchemaRole, Schema> schemas = new EnumMap<>(SchemaRole.class);
    schemas.put(SchemaRole.PARAMETERS, params.schema());
    if (kind == MethodKind.UNARY) {
      schemas.put(SchemaRole.RESULT, result.schema());
    }
    output.ifPresent(rows -> schemas.put(SchemaRole.OUTPUT, rows.schema()));
    input.ifPresent(rows -> schemas.put(SchemaRole.INPUT, rows.schema()));
    header.ifPresent(rows -> schemas.put(SchemaRole.HEADER, rows.schema()));
    return Collections.unmodifiableMap(schemas);
  }

  /** {@return whether the unary method returns a value (false for void and for streams)} */
  public boolean hasReturn() {
    return kind == MethodKind.UNARY && !result.columns().isEmpty();
  }

  /**
   * Derives the spec of an interface method, as declared by the interface that declares it.
   *
   * @param method the method
   * @return the spec
   * @throws IllegalArgumentException naming the method and what cannot be mapped
   */
  public static MethodSpec of(Method method) {
    return of(method.getDeclaringClass(), method);
  }

  /**
   * Derives the spec of a method of a service interface (declared by it or inherited). Parameter
   * names come from the class rpc-codegen's processor generated for the service when there is one,
   * else from the class file ({@code javac -parameters}).
   *
   * @param service the {@code @RpcService} interface
   * @param method the method
   * @return the spec
   * @throws IllegalArgumentException naming the method and what cannot be mapped
   */
  public static MethodSpec of(Class<?> service, Method method) {
    String where = method.getDeclaringClass().getSimpleName() + "." + method.getName();
    Optional<GeneratedService> descriptor = descriptorOf(service, method);
    MethodSpec spec;
    try {
      spec = derive(method, parameterNames(descriptor, method));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
    descriptor.flatMap(d -> schemaDifference(d.schemas(method.getName()), spec.schemas()))
        .ifPresent(difference -> LOG.warn("{}: the schemas in {} (generated by rpc-codegen) differ from the"
                + " ones the class files give, which are used: {}; rebuild so the processor sees the"
                + " classes as they are now", where, GeneratedService.className(service), difference));
    return spec;
  }

  /**
   * How a descriptor's schemas differ from the ones derived by reflection.
   *
   * @param stated the descriptor's schemas (none when it has none)
   * @param derived the schemas reflection derived
   * @return the first difference, or empty when they agree or the descriptor states none
   */
  static Optional<String> schemaDifference(Map<SchemaRole, Schema> stated, Map<SchemaRole, Schema> derived) {
    if (stated.isEmpty()) {
      return Optional.empty();
    }
    if (!stated.keySet().equals(derived.keySet())) {
      return Optional.of("it describes " + new EnumMap<>(stated).keySet() + ", the method has "
          + new EnumMap<>(derived).keySet());
    }
    for (Map.Entry<SchemaRole, Schema> entry : new EnumMap<>(derived).entrySet()) {
      Schema schema = stated.get(entry.getKey());
      if (!schema.equals(entry.getValue())) {
        return Optional.of(entry.getKey() + " is " + schema + ", the class files give " + entry.getValue());
      }
    }
    return Optional.empty();
  }

  /** The generated descriptor of each interface that has one, looked up once. */
  private static final ClassValue<Optional<GeneratedService>> GENERATED = new ClassValue<>() {
    @Override
    protected Optional<GeneratedService> computeValue(Class<?> type) {
      return generated(type);
    }
  };

  /**
   * The descriptor rpc-codegen generated for an interface, if it is there and describes it.
   *
   * @param service the interface
   * @return the descriptor
   */
  static Optional<GeneratedService> generatedFor(Class<?> service) {
    return GENERATED.get(service);
  }

  private static Optional<GeneratedService> generated(Class<?> service) {
    ClassLoader loader = service.getClassLoader();
    if (!service.isInterface() || loader == null) {
      return Optional.empty();
    }
    try {
      Class<?> found = Class.forName(GeneratedService.className(service), false, loader);
      if (!GeneratedService.class.isAssignableFrom(found)) {
        return Optional.empty();
      }
      GeneratedService descriptor =
          (GeneratedService) found.getConstructor().newInstance();
      return descriptor.serviceType() == service ? Optional.of(descriptor) : Optional.empty();
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.empty();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot use " + GeneratedService.className(service) + ", generated by rpc-codegen for "
              + service.getName() + ": " + e, e);
    }
  }

  /** The interface's generated descriptor, when it describes the method as compiled. */
  private static Optional<GeneratedService> descriptorOf(Class<?> service, Method method) {
    return generatedFor(service)
        .filter(descriptor -> descriptor.parameterTypes(method.getName())
            .equals(Optional.of(Arrays.stream(method.getParameterTypes()).map(Class::getTypeName).toList())));
  }

  /**
   * A method's parameter names: the generated descriptor's when it matches the method, else the
   * class file's when it has them, else empty.
   */
  private static Optional<List<String>> parameterNames(Optional<GeneratedService> descriptor, Method method) {
    Optional<List<String>> generated = descriptor.flatMap(d -> d.parameterNames(method.getName()));
    if (generated.isPresent()) {
      return generated;
    }
    Parameter[] parameters = method.getParameters();
    if (Arrays.stream(parameters).allMatch(Parameter::isNamePresent)) {
      return Optional.of(Arrays.stream(parameters).map(Parameter::getName).toList());
    }
    return Optional.empty();
  }

  private static MethodSpec derive(Method method, Optional<List<String>> names) {
    TypeMapper paramMapper = new TypeMapper();
    List<Column> params = new ArrayList<>();
    Class<?>[] parameterTypes = method.getParameterTypes();
    AnnotatedType[] annotatedTypes = method.getAnnotatedParameterTypes();
    for (int i = 0; i < parameterTypes.length; i++) {
      if (parameterTypes[i] == CallContext.class) {
        throw new IllegalArgumentException(
            "CallContext belongs on the implementation's method, not the interface");
      }
      if (names.isEmpty()) {
        throw new IllegalArgumentException(
            "parameter names are missing: compile the interface with javac -parameters"
                + " (maven-compiler-plugin <parameters>true</parameters>) or put rpc-codegen on the"
                + " annotation processor path, so they can name the request's fields");
      }
      params.add(paramMapper.column(names.get().get(i), annotatedTypes[i], TypeMapper.Position.PARAMETER));
    }
    Class<?> returnType = method.getReturnType();
    StreamHeader headerAnnotation = method.getAnnotation(StreamHeader.class);
    if (method.getAnnotation(StreamKind.class) != null && returnType != BatchStream.class) {
      throw new IllegalArgumentException(
          "@StreamKind is only for BatchStream methods (Producer and Exchange state their kind)");
    }
    if (returnType == BatchStream.class) {
      Optional<RecordSchema> header =
          headerAnnotation == null
              ? Optional.empty()
              : Optional.of(new TypeMapper().record(headerAnnotation.value()));
      return new MethodSpec(method.getName(), method, MethodKind.STREAM, new RowLayout(params),
          new RowLayout(List.of()), Optional.empty(), Optional.empty(), header);
    }
    if (returnType == Producer.class || returnType == Exchange.class) {
      AnnotatedParameterizedType streamType = streamType(method);
      AnnotatedType[] args = streamType.getAnnotatedActualTypeArguments();
      Optional<RecordSchema> header =
          headerAnnotation == null
              ? Optional.empty()
              : Optional.of(new TypeMapper().record(headerAnnotation.value()));
      if (returnType == Producer.class) {
        return new MethodSpec(method.getName(), method, MethodKind.PRODUCER, new RowLayout(params),
            new RowLayout(List.of()), Optional.of(rows(args[0], "output")), Optional.empty(), header);
      }
      return new MethodSpec(method.getName(), method, MethodKind.EXCHANGE, new RowLayout(params),
          new RowLayout(List.of()), Optional.of(rows(args[1], "output")),
          Optional.of(rows(args[0], "input")), header);
    }
    if (headerAnnotation != null) {
      throw new IllegalArgumentException("@StreamHeader is only for Producer and Exchange methods");
    }
    List<Column> result = new ArrayList<>();
    if (returnType != void.class) {
      result.add(new TypeMapper().column("result", method.getAnnotatedReturnType(), TypeMapper.Position.RESULT));
    }
    return new MethodSpec(method.getName(), method, MethodKind.UNARY, new RowLayout(params),
        new RowLayout(result), Optional.empty(), Optional.empty(), Optional.empty());
  }

  private static AnnotatedParameterizedType streamType(Method method) {
    if (method.getAnnotatedReturnType() instanceof AnnotatedParameterizedType parameterized) {
      return parameterized;
    }
    throw new IllegalArgumentException("raw " + method.getReturnType().getSimpleName() + ": give its row types");
  }

  private static RecordSchema rows(AnnotatedType type, String role) {
    Class<?> raw = TypeMapper.rawClass(type.getType());
    if (!raw.isRecord()) {
      throw new IllegalArgumentException(
          "the " + role + " row type must be a record whose components are the columns, got "
              + type.getType().getTypeName());
    }
    return new TypeMapper().record(raw);
  }
}
