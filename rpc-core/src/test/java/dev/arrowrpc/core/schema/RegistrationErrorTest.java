package dev.arrowrpc.core.schema;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.Wire;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * Types that cannot be mapped are refused when the interface is registered, with an {@link
 * IllegalArgumentException} that names the method, the field and what is wrong.
 */
class RegistrationErrorTest {
  /** A record with a component that cannot be mapped. */
  public record HasObject(String fine, Object thing) {}

  /** A record that contains itself. */
  public record Recursive(String name, List<Recursive> children) {}

  /** One unmappable declaration per method. */
  @SuppressWarnings("rawtypes")
  public interface Bad {
    long objectParam(Object value);

    long wildcardMap(Map<String, ?> value);

    long rawList(List value);

    long nullablePrimitive(@Nullable int value);

    Object objectResult();

    @Nullable long nullablePrimitiveResult();

    long componentIsObject(HasObject value);

    long listOfObjects(List<Object> value);

    long wireOnString(@Wire(Wire.Type.INT8) String value);

    long fixedWithoutWidth(@Wire(Wire.Type.FIXED_SIZE_BINARY) byte[] value);

    long decimalTooPrecise(@Wire(value = Wire.Type.DECIMAL128, precision = 40, scale = 2) BigDecimal value);

    long bigIntegerWithoutWire(BigInteger value);


    long optionalRoot(Optional<VectorSchemaRoot> value);

    long optionalOfOptional(Optional<Optional<String>> value);

    long recursive(Recursive value);

    <T> long typeVariable(T value);

    long intArray(int[] value);

    long secondParamBad(String fine, Map<Object, String> value);
  }

  private static Method method(String name) {
    return Arrays.stream(Bad.class.getMethods())
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static void refused(String method, String field, String... details) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MethodSpec.of(method(method)));
    String message = e.getMessage();
    assertTrue(message.contains("Bad." + method), () -> "should name the method: " + message);
    assertTrue(message.contains("field '" + field + "'"), () -> "should name field " + field + ": " + message);
    for (String detail : details) {
      assertTrue(message.contains(detail), () -> "should say '" + detail + "': " + message);
    }
  }

  @Test
  void unsupportedTypes() {
    refused("objectParam", "value", "unsupported type java.lang.Object");
    refused("objectResult", "result", "unsupported type java.lang.Object");
    refused("listOfObjects", "value", "unsupported type java.lang.Object");
    refused("componentIsObject", "value", "HasObject.thing", "java.lang.Object");
    refused("secondParamBad", "value", "java.lang.Object");
    refused("intArray", "value", "unsupported type int[]");
    refused("bigIntegerWithoutWire", "value", "BigInteger needs @Wire");
  }

  @Test
  void wildcardsTypeVariablesAndRawTypes() {
    refused("wildcardMap", "value", "wildcards");
    refused("typeVariable", "value", "type variables");
    refused("rawList", "value", "raw type java.util.List");
  }

  @Test
  void nullableOnAPrimitive() {
    refused("nullablePrimitive", "value", "@Nullable on primitive int");
    refused("nullablePrimitiveResult", "result", "@Nullable on primitive long");
  }

  @Test
  void wireOverridesThatDoNotFit() {
    refused("wireOnString", "value", "@Wire(INT8)", "java.lang.String");
    refused("fixedWithoutWidth", "value", "byteWidth");
    refused("decimalTooPrecise", "value", "precision");
  }

  @Test
  void optionalRootsAndNestedOptionals() {
    refused("optionalRoot", "value", "@Nullable VectorSchemaRoot");
    refused("optionalOfOptional", "value", "Optional<Optional");
  }

  @Test
  void recursiveRecords() {
    refused("recursive", "value", "recursive record");
  }

  /** A service whose one method cannot be mapped. */
  @RpcService
  public interface BadService {
    String fine(String value);

    long broken(Object value);
  }

  @Test
  void registeringTheServiceFailsTheSameWay() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ServiceSpec.of(BadService.class));
    assertTrue(e.getMessage().contains("BadService.broken"), e::getMessage);
    assertTrue(e.getMessage().contains("field 'value'"), e::getMessage);
  }
}
