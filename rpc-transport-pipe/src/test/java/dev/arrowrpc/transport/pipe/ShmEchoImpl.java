package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.BatchStream;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;

/** {@link ShmEcho}: echoes hand the input's buffers over; negations write new ones. */
public final class ShmEchoImpl implements ShmEcho {
  @Override
  public BatchStream echo_batches() {
    return BatchStream.exchange(LONGS, LONGS, (input, out, context) -> {
      VectorSchemaRoot in = input.root();
      TransferPair move = in.getVector(0).getTransferPair(out.allocator());
      move.transfer();
      out.emit(new VectorSchemaRoot(in.getSchema().getFields(), List.of((FieldVector) move.getTo()),
          in.getRowCount()));
    });
  }

  @Override
  public BatchStream negate_batches() {
    return BatchStream.exchange(LONGS, LONGS, (input, out, context) -> {
      BigIntVector in = (BigIntVector) input.root().getVector(0);
      VectorSchemaRoot result = VectorSchemaRoot.create(LONGS, out.allocator());
      BigIntVector negated = (BigIntVector) result.getVector(0);
      negated.allocateNew(in.getValueCount());
      for (int i = 0; i < in.getValueCount(); i++) {
        negated.set(i, -in.get(i));
      }
      result.setRowCount(in.getValueCount());
      out.emit(result);
    });
  }
}
