package dev.arrowrpc.core.schema;

import java.util.Optional;

import dev.arrowrpc.core.wire.MarshalException;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/** A record nested inside a record (or a collection) as a struct of its components. */
final class StructCodec extends Codec {
  private final RecordSchema record;

  StructCodec(RecordSchema record) {
    this.record = record;
  }

  @Override
  protected ArrowType arrowType() {
    return ArrowType.Struct.INSTANCE;
  }

  @Override
  protected List<Field> children() {
    return record.schema().getFields();
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    StructVector struct = (StructVector) vector;
    struct.setIndexDefined(index);
    record.writeRow(struct.getChildrenFromFields(), index, value, context);
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    if (!(vector instanceof StructVector struct)) {
      throw new MarshalException(
          "the column holds " + vector.getMinorType() + ", expected a struct");
    }
    return record.readRow(struct.getChildrenFromFields(), index, context);
  }

  @Override
  Optional<CellLane> lane() {
    return record.layout().lane().map(row -> new CellLane.StructLane(this, record, row.lanes()));
  }
}
