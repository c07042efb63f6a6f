package dev.arrowrpc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.StreamKind;
import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.wire.IpcBytes;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a description says besides types: deprecation, idempotency, a stream of unknown kind. */
class DescriptionDetailsTest {
  @TempDir Path dir;

  private static byte[] schema(Field... fields) {
    return IpcBytes.schema(new Schema(List.of(fields)));
  }

  @Test
  void deprecationIdempotencyAndUnknownStreamKindsAreWritten() throws Exception {
    Field count = new Field("count", FieldType.notNullable(new ArrowType.Int(64, true)), null);
    MethodInfo old = new MethodInfo("old_way", "unary", false, false, MethodInfo.NOT_A_STREAM, schema(),
        new byte[0], new byte[0], "idempotent", true, "use new_way */ instead");
    MethodInfo stream = new MethodInfo("rows", "stream", false, false, "unknown", schema(count),
        new byte[0], new byte[0], MethodInfo.IDEMPOTENCY_UNKNOWN, false, "");
    ServiceDescription description = new ServiceDescription("legacy", "0.1.0", "ab".repeat(32), true,
        "retired <soon>", List.of(), List.of(old, stream));
    GeneratedInterface generated = InterfaceGenerator.generate(description, "", "Legacy");
    String source = generated.source();
    assertTrue(source.contains("@deprecated retired &lt;soon&gt;"), source);
    assertTrue(source.contains("@deprecated use new_way *&#47; instead"), source);
    assertTrue(source.contains("<p>Idempotency: {@code idempotent}."), source);

    Class<?> legacy = Compiled.compile(dir, List.of(generated)).loadClass("Legacy");
    assertNotNull(legacy.getAnnotation(Deprecated.class));
    assertNotNull(legacy.getMethod("old_way").getAnnotation(Deprecated.class));
    Method rows = legacy.getMethod("rows", long.class);
    assertEquals(BatchStream.class, rows.getReturnType());
    assertNull(rows.getAnnotation(StreamKind.class), "the server did not say whether it produces");
    assertFalse(source.contains("StreamKind"), source);
  }
}
