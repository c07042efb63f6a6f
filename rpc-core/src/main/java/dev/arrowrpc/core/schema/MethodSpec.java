package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.StreamHeader;
import dev.arrowrpc.core.StreamKind;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;

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

  /** {@return whether the unary method returns a value (false for void and for streams)} */
  public boolean hasReturn() {
    return kind == MethodKind.UNARY && !result.columns().isEmpty();
  }

  /**
   * Derives the spec of an interface method.
   *
   * @param method the method
   * @return the spec
   * @throws IllegalArgumentException naming the method and what cannot be mapped
   */
  public static MethodSpec of(Method method) {
    String where = method.getDeclaringClass().getSimpleName() + "." + method.getName();
    try {
      return derive(method);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static MethodSpec derive(Method method) {
    TypeMapper paramMapper = new TypeMapper();
    List<Column> params = new ArrayList<>();
    Parameter[] parameters = method.getParameters();
    AnnotatedType[] annotatedTypes = method.getAnnotatedParameterTypes();
    for (int i = 0; i < parameters.length; i++) {
      if (parameters[i].getType() == CallContext.class) {
        throw new IllegalArgumentException(
            "CallContext belongs on the implementation's method, not the interface");
      }
      if (!parameters[i].isNamePresent()) {
        throw new IllegalArgumentException(
            "parameter names are missing: compile the interface with javac -parameters"
                + " (maven-compiler-plugin <parameters>true</parameters>) so they can name the"
                + " request's fields");
      }
      params.add(paramMapper.column(parameters[i].getName(), annotatedTypes[i], TypeMapper.Position.PARAMETER));
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
