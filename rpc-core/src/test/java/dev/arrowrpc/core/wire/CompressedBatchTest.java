package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowBodyCompression;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** A record batch whose header declares body compression is refused by name, before anything is read from it. */
class CompressedBatchTest {
  private static final Schema SCHEMA = new Schema(List.of(Field.nullable("n", new ArrowType.Int(32, true))));

  @Test
  void aCompressedBatchIsRefused() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
        ((IntVector) root.getVector(0)).setSafe(0, 41);
        root.setRowCount(1);
        WriteChannel channel = new WriteChannel(Channels.newChannel(out));
        MessageSerializer.serialize(channel, SCHEMA);
        try (ArrowRecordBatch plain = new VectorUnloader(root).getRecordBatch();
            ArrowRecordBatch compressed = new ArrowRecordBatch(plain.getLength(), plain.getNodes(),
                plain.getBuffers(), new ArrowBodyCompression(CompressionUtil.CodecType.LZ4_FRAME.getType(),
                    org.apache.arrow.flatbuf.BodyCompressionMethod.BUFFER))) {
          MessageSerializer.serialize(channel, compressed);
        }
        channel.writeIntLittleEndian(MessageSerializer.IPC_CONTINUATION_TOKEN);
        channel.writeIntLittleEndian(0);
      }
      for (int round = 0; round < 2; round++) { // the second time, the thread has walked a batch before
        try (IpcStreamReader reader = IpcStreamReader.openOnThisThread(new ByteArrayInputStream(out.toByteArray()),
            allocator, null).orElseThrow()) {
          WireFormatException refused = assertThrows(WireFormatException.class, reader::next);
          assertEquals("record batch is compressed, which is not supported", refused.getMessage());
          assertTrue(refused.framingIntact());
        }
      }
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }
}
