package dev.arrowrpc.core.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/** Arrow IPC values held in byte arrays: binary cells that carry a stream, serialized schemas. */
public final class IpcBytes {
  private IpcBytes() {}

  /**
   * Serializes one batch as a complete IPC stream (schema, dictionaries, batch, end marker).
   *
   * @param schema the schema in message format
   * @param batch the batch
   * @return the stream's bytes
   */
  public static byte[] stream(Schema schema, Batch batch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (IpcStreamWriter writer = IpcStreamWriter.start(out, schema)) {
      writer.write(batch, Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Serializes a schema as one encapsulated schema message (what pyarrow's {@code
   * Schema.serialize()} returns): continuation marker, length, flatbuffer, no end marker.
   *
   * @param schema the schema in message format
   * @return the message bytes
   */
  public static byte[] schema(Schema schema) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      MessageSerializer.serialize(new WriteChannel(StreamChannels.writable(out)), schema, IpcOption.DEFAULT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Encodes a batch as one IPC stream and appends it to a binary vector as the cell at {@code
   * index}. The stream is written in place into the vector's data buffer, grown once to a size
   * estimated from the batch's buffers, so a large batch costs one memory copy.
   *
   * @param vector the binary vector
   * @param index the cell
   * @param schema the stream's schema
   * @param root the batch (no dictionary-encoded columns)
   */
  public static void writeCell(VarBinaryVector vector, int index, Schema schema, VectorSchemaRoot root) {
    long expected = SchemaMessages.encoded(schema).length + 1024 + 8;
    for (FieldVector column : root.getFieldVectors()) {
      expected += column.getBufferSize() + 64L * (column.getFieldBuffers().size() + 1);
    }
    CellStreams.VectorSink sink = new CellStreams.VectorSink(vector, index, expected);
    try (IpcStreamWriter writer = IpcStreamWriter.start(sink, schema)) {
      writer.write(root, Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    sink.finish();
  }

  /**
   * Reads the IPC stream held by one cell of a binary vector, straight from the vector's buffer,
   * and loads its single batch.
   *
   * @param vector the binary vector
   * @param index the cell (not null, not empty)
   * @param allocator where the batch is allocated
   * @return the reader, positioned on the batch; the caller closes it
   * @throws WireFormatException when the cell does not hold an IPC stream with a batch
   */
  public static IpcStreamReader readCell(VarBinaryVector vector, int index, BufferAllocator allocator)
      throws WireFormatException {
    long start = vector.getStartOffset(index);
    long length = vector.getEndOffset(index) - start;
    return readSingle(CellStreams.source(vector.getDataBuffer(), start, length, allocator), allocator);
  }

  /**
   * Reads the single batch of an IPC stream held in bytes into a new root the caller owns.
   *
   * @param bytes the stream
   * @param allocator where the root is allocated
   * @return a reader positioned on the first batch; close it to release the batch
   * @throws WireFormatException when the bytes are not a stream with at least one batch
   */
  public static IpcStreamReader readSingle(byte[] bytes, BufferAllocator allocator)
      throws WireFormatException {
    return readSingle(new ByteArrayInputStream(bytes), allocator);
  }

  private static IpcStreamReader readSingle(InputStream bytes, BufferAllocator allocator)
      throws WireFormatException {
    try {
      IpcStreamReader reader =
          IpcStreamReader.open(bytes, allocator)
              .orElseThrow(() -> new WireFormatException("empty IPC stream in a binary cell"));
      try {
        if (!reader.next()) {
          throw new WireFormatException("IPC stream in a binary cell has no batch");
        }
        requireEndAfterBatch(bytes);
        return reader;
      } catch (IOException | RuntimeException e) {
        reader.close();
        throw e;
      }
    } catch (WireFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new WireFormatException(e.getMessage(), e);
    }
  }

  /**
   * What must follow a cell's one batch: exactly the end-of-stream marker, which every writer
   * (pyarrow's, ours) puts there. A stream cut anywhere (its marker included), a second batch or other
   * bytes mean the cell is not what it claims, and are refused rather than read as far as they go.
   */
  private static void requireEndAfterBatch(InputStream rest) throws IOException {
    byte[] tail = rest.readNBytes(9);
    boolean end = tail.length == 8 && Arrays.equals(tail, EOS)
        || tail.length == 4 && Arrays.equals(tail, LEGACY_EOS);
    if (!end) {
      throw new WireFormatException("IPC stream in a binary cell " + (tail.length == 0
          ? "ends without its end-of-stream marker (cut short)"
          : "holds " + (tail.length > 8 ? "more than 8" : tail.length)
              + " bytes after its batch that are not its end-of-stream marker (a cell holds one batch)"));
    }
  }

  private static final byte[] EOS = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0};
  private static final byte[] LEGACY_EOS = {0, 0, 0, 0};

  /**
   * Copies a root into a new root owned by the caller.
   *
   * @param source the root to copy
   * @param allocator where the copy is allocated
   * @return the copy
   */
  public static VectorSchemaRoot copy(VectorSchemaRoot source, BufferAllocator allocator) {
    VectorSchemaRoot copy = VectorSchemaRoot.create(source.getSchema(), allocator);
    for (int i = 0; i < source.getFieldVectors().size(); i++) {
      source.getVector(i).makeTransferPair(copy.getVector(i)).splitAndTransfer(0, source.getRowCount());
    }
    copy.setRowCount(source.getRowCount());
    return copy;
  }
}
