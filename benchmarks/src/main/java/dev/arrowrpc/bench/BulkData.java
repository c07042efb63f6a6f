package dev.arrowrpc.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/** The bulk workloads' batches: an int64, a float64 and a utf8 column. */
public final class BulkData {
  /** The bulk schema: {@code id: int64, x: float64, s: utf8}, all non-nullable. */
  public static final Schema SCHEMA = new Schema(List.of(
      new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
      new Field("x", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
      new Field("s", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null)));

  /** The most rows {@link #template} hands out per batch. */
  public static final int MAX_TEMPLATE_ROWS = 1 << 16;

  private BulkData() {}

  /** The process's template batch: built on first use, never closed (it lives as long as the process). */
  private static final class Template {
    private static final BufferAllocator ALLOCATOR =
        new org.apache.arrow.memory.RootAllocator(Long.MAX_VALUE);
    static final VectorSchemaRoot ROOT = create(MAX_TEMPLATE_ROWS, ALLOCATOR);
  }

  /**
   * The first {@code rows} rows of the process's template batch, sharing its memory (no copy), in
   * the template's own allocator: a producer serving "from memory" emits these (the engine writes
   * a batch's buffers and then closes it, whichever allocator they come from).
   *
   * @param rows how many rows, at most {@link #MAX_TEMPLATE_ROWS}
   * @return the batch (the caller closes it; the template stays)
   */
  public static VectorSchemaRoot template(int rows) {
    if (rows < 0 || rows > MAX_TEMPLATE_ROWS) {
      throw new IllegalArgumentException("template rows out of range: " + rows);
    }
    return slice(Template.ROOT, rows, Template.ALLOCATOR);
  }

  /**
   * The first {@code rows} rows of a batch built once per process: the new root's buffers share the
   * template's memory when {@code allocator} is of the template's root, and are one copy of it
   * (a memcpy per buffer) otherwise. A producer serving "from memory" emits these.
   *
   * @param rows how many rows, at most {@link #MAX_TEMPLATE_ROWS}
   * @param allocator the new root's allocator
   * @return the batch (the caller closes it; the template stays)
   */
  public static VectorSchemaRoot template(int rows, BufferAllocator allocator) {
    if (rows < 0 || rows > MAX_TEMPLATE_ROWS) {
      throw new IllegalArgumentException("template rows out of range: " + rows);
    }
    if (allocator.getRoot() == Template.ALLOCATOR) {
      return slice(Template.ROOT, rows, allocator);
    }
    // buffers move only between allocators of one root: elsewhere, one copy of each buffer (a memcpy)
    try (VectorSchemaRoot slice = slice(Template.ROOT, rows, Template.ALLOCATOR);
        ArrowRecordBatch batch = new VectorUnloader(slice).getRecordBatch()) {
      List<ArrowBuf> copies = new ArrayList<>(batch.getBuffers().size());
      try {
        for (ArrowBuf buffer : batch.getBuffers()) {
          long size = buffer.readableBytes();
          ArrowBuf copy = allocator.buffer(size);
          copy.setBytes(0, buffer, buffer.readerIndex(), size);
          copy.writerIndex(size);
          copies.add(copy);
        }
        VectorSchemaRoot out = VectorSchemaRoot.create(SCHEMA, allocator);
        try (ArrowRecordBatch copied = new ArrowRecordBatch(rows, batch.getNodes(), copies)) {
          new VectorLoader(out).load(copied);
        } catch (RuntimeException e) {
          out.close();
          throw e;
        }
        return out;
      } finally {
        copies.forEach(ArrowBuf::close);
      }
    }
  }

  private static VectorSchemaRoot slice(VectorSchemaRoot source, int rows, BufferAllocator allocator) {
    List<FieldVector> sliced = new ArrayList<>(source.getFieldVectors().size());
    for (FieldVector vector : source.getFieldVectors()) {
      TransferPair pair = vector.getTransferPair(allocator);
      pair.splitAndTransfer(0, rows);
      sliced.add((FieldVector) pair.getTo());
    }
    return new VectorSchemaRoot(source.getSchema().getFields(), sliced, rows);
  }

  /**
   * Builds a batch of {@code rows} rows: ids, their halves, and short strings {@code "row-<i>"}.
   *
   * @param rows the row count
   * @param allocator where the buffers come from
   * @return the batch (the caller closes it)
   */
  public static VectorSchemaRoot create(int rows, BufferAllocator allocator) {
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    BigIntVector id = (BigIntVector) root.getVector(0);
    Float8Vector x = (Float8Vector) root.getVector(1);
    VarCharVector s = (VarCharVector) root.getVector(2);
    id.allocateNew(rows);
    x.allocateNew(rows);
    s.allocateNew(rows * 11L, rows);
    for (int i = 0; i < rows; i++) {
      id.set(i, i);
      x.set(i, i * 0.5);
      s.setSafe(i, ("row-" + i).getBytes(StandardCharsets.UTF_8));
    }
    root.setRowCount(rows);
    return root;
  }

  /**
   * Moves a batch's buffers into a new root without copying them; the source is left empty.
   *
   * @param source the batch
   * @param allocator the new owner, or {@code null} to keep each vector's allocator
   * @return the new root (the caller owns it)
   */
  public static VectorSchemaRoot transfer(VectorSchemaRoot source, BufferAllocator allocator) {
    List<FieldVector> moved = new ArrayList<>(source.getFieldVectors().size());
    for (FieldVector vector : source.getFieldVectors()) {
      TransferPair pair = vector.getTransferPair(allocator == null ? vector.getAllocator() : allocator);
      pair.transfer();
      moved.add((FieldVector) pair.getTo());
    }
    VectorSchemaRoot target = new VectorSchemaRoot(source.getSchema().getFields(), moved, source.getRowCount());
    source.setRowCount(0);
    return target;
  }

  /**
   * The size of a batch written as an Arrow IPC stream (schema, batch, end marker): the bytes a
   * bulk workload moves each way.
   *
   * @param root the batch
   * @return its IPC size in bytes
   */
  public static long ipcSize(VectorSchemaRoot root) {
    return ipcBytes(root).length;
  }

  /**
   * A batch as an Arrow IPC stream (schema, the batch, end of stream): the bytes {@link #ipcSize}
   * counts.
   *
   * @param root the batch
   * @return the stream's bytes
   */
  public static byte[] ipcBytes(VectorSchemaRoot root) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(bytes))) {
      writer.start();
      writer.writeBatch();
      writer.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
