package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.RpcService;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Exchanges of whole batches, for the shared-memory tests of a real worker. */
@RpcService
public interface ShmEcho {
  /** The batches' schema: one nullable int64 column {@code n}. */
  Schema LONGS = new Schema(List.of(Field.nullable("n", new ArrowType.Int(64, true))));

  /**
   * Each input batch back unchanged, its buffers handed over.
   *
   * @return the exchange
   */
  BatchStream echo_batches();

  /**
   * Each input batch back with every value negated, in new buffers.
   *
   * @return the exchange
   */
  BatchStream negate_batches();
}
