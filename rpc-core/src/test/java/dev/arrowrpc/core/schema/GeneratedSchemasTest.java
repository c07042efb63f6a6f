package dev.arrowrpc.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.StreamHeader;
import dev.arrowrpc.core.generated.GeneratedService.SchemaRole;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * A method's schemas by role ({@link MethodSpec#schemas()}), and how the runtime compares those a
 * generated descriptor states with the ones it derives from the class files.
 */
class GeneratedSchemasTest {
  record Row(long id, String name) {}

  record Totals(long count) {}

  interface Api {
    String greet(String name);

    void touch(int count);

    @StreamHeader(Totals.class)
    Producer<Row> rows(int limit);

    Exchange<Row, Totals> count(long start);
  }

  private static MethodSpec spec(String name) {
    for (java.lang.reflect.Method method : Api.class.getMethods()) {
      if (method.getName().equals(name)) {
        return MethodSpec.of(method);
      }
    }
    throw new AssertionError(name);
  }

  @Test
  void eachKindHasItsRoles() {
    assertEquals(Set.of(SchemaRole.PARAMETERS, SchemaRole.RESULT), spec("greet").schemas().keySet());
    assertEquals(new Schema(java.util.List.of()), spec("touch").schemas().get(SchemaRole.RESULT));
    assertEquals(Set.of(SchemaRole.PARAMETERS, SchemaRole.OUTPUT, SchemaRole.HEADER), spec("rows").schemas().keySet());
    assertEquals(Set.of(SchemaRole.PARAMETERS, SchemaRole.OUTPUT, SchemaRole.INPUT), spec("count").schemas().keySet());
    assertEquals(spec("count").output().orElseThrow().schema(), spec("count").schemas().get(SchemaRole.OUTPUT));
    assertEquals("name", spec("greet").schemas().get(SchemaRole.PARAMETERS).getFields().get(0).getName());
  }

  @Test
  void agreeingSchemasAndNoneStatedAreNoDifference() {
    for (String method : new String[] {"greet", "touch", "rows", "count"}) {
      Map<SchemaRole, Schema> derived = spec(method).schemas();
      assertEquals(Optional.empty(), MethodSpec.schemaDifference(Map.copyOf(derived), derived), method);
      assertEquals(Optional.empty(), MethodSpec.schemaDifference(Map.of(), derived), method);
    }
  }

  @Test
  void aStaleSchemaIsNamedByRole() {
    Map<SchemaRole, Schema> derived = spec("rows").schemas();
    Map<SchemaRole, Schema> stale = new EnumMap<>(derived);
    // the header record gained a component after the descriptor was generated
    stale.put(SchemaRole.HEADER, spec("greet").schemas().get(SchemaRole.PARAMETERS));
    String difference = MethodSpec.schemaDifference(stale, derived).orElseThrow();
    assertTrue(difference.startsWith("HEADER is Schema<name: Utf8 not null>, the class files give"
        + " Schema<count: Int(64, true) not null>"), difference);

    Map<SchemaRole, Schema> missing = new EnumMap<>(derived);
    missing.remove(SchemaRole.HEADER);
    assertEquals(Optional.of("it describes [PARAMETERS, OUTPUT], the method has [PARAMETERS, OUTPUT, HEADER]"),
        MethodSpec.schemaDifference(missing, derived));
  }
}
