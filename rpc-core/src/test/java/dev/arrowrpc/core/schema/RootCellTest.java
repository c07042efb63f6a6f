package dev.arrowrpc.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.wire.MarshalException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Binary cells that carry a whole record batch ({@code VectorSchemaRoot} parameters and results). */
class RootCellTest {
  private final BufferAllocator memory = new RootAllocator();
  private final RowLayout params = ServiceSpec.of(TypeZoo.class).methods().get("countNullableRoot").params();

  @AfterEach
  void noLeaks() {
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
  }

  @Test
  void anEmptyCellReadsAsAnAbsentBatch() {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(params.schema(), memory)) {
      VarBinaryVector cell = (VarBinaryVector) root.getVector(0);
      cell.setSafe(0, new byte[0]);
      root.setRowCount(1);
      assertNull(params.decodeRow(root.getFieldVectors(), 0, new ReadContext(null, memory))[0]);
    }
  }

  @Test
  void aCellThatIsNotAStreamIsRefusedNamingTheField() {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(params.schema(), memory)) {
      ((VarBinaryVector) root.getVector(0)).setSafe(0, new byte[] {1, 2, 3});
      root.setRowCount(1);
      MarshalException e = assertThrows(MarshalException.class,
          () -> params.decodeRow(root.getFieldVectors(), 0, new ReadContext(null, memory)));
      assertEquals("value", e.path());
    }
  }

  @Test
  void rootsWithDictionaryEncodedColumnsAreRefused() {
    Field encoded = new Field("color",
        new FieldType(false, new ArrowType.Int(16, true), new DictionaryEncoding(0, false, null)), List.of());
    try (VectorSchemaRoot dictionaryRoot = VectorSchemaRoot.create(new Schema(List.of(encoded)), memory)) {
      ((SmallIntVector) dictionaryRoot.getVector(0)).setSafe(0, 0);
      dictionaryRoot.setRowCount(1);
      MarshalException e = assertThrows(MarshalException.class,
          () -> params.encode(1, (row, column) -> dictionaryRoot, memory));
      assertEquals("value", e.path());
      assertTrue(e.getMessage().contains("dictionary"), e::getMessage);
    }
  }
}
