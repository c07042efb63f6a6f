package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.shm.ShmBatches;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Writing batches through a segment, and the typed errors of pointers that cannot be resolved. */
class ShmBatchesTest {
  private static final Schema LONGS = new Schema(List.of(Field.nullable("n", new ArrowType.Int(64, true))));

  private BufferAllocator memory;
  private ShmSegment segment;

  @BeforeEach
  void setUp() throws IOException {
    memory = new RootAllocator();
    segment = ShmSegment.create(2 << 20);
  }

  @AfterEach
  void tearDown() throws IOException {
    segment.close();
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
    assertEquals(0, ShmTesting.ourSegments(), "segments left in /dev/shm");
  }

  @Test
  void largeBatchesGoThroughTheSegmentAndSmallOrOversizedOnesStayInline() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (IpcStreamWriter writer = IpcStreamWriter.start(bytes, LONGS)) {
      try (VectorSchemaRoot small = longs(10)) {
        assertFalse(ShmBatches.writeOrInline(writer, Optional.of(segment), Batch.of(small), Map.of(), memory));
      }
      try (VectorSchemaRoot large = longs(20_000)) {
        assertTrue(ShmBatches.writeOrInline(writer, Optional.of(segment), Batch.of(large), Map.of("k", "v"), memory));
        assertFalse(ShmBatches.writeOrInline(writer, Optional.empty(), Batch.of(large), Map.of(), memory),
            "no segment: inline");
      }
      try (VectorSchemaRoot huge = longs(400_000)) {
        assertFalse(ShmBatches.writeOrInline(writer, Optional.of(segment), Batch.of(huge), Map.of(), memory),
            "3.2 MB does not fit a 2 MiB segment");
      }
    }
    assertEquals(1, segment.allocations());
    try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(bytes.toByteArray()), memory)
        .orElseThrow()) {
      int[] rows = new int[4];
      for (int i = 0; i < 4; i++) {
        assertTrue(reader.next());
        rows[i] = reader.root().getRowCount();
        if (i == 1) {
          assertTrue(ShmBatches.isPointer(rows[i], reader.metadata()));
          assertEquals("v", reader.metadata().get("k"));
          try (IpcStreamReader resolved = ShmBatches.resolve(reader, segment, memory)) {
            assertEquals(19_999, ((BigIntVector) resolved.root().getVector("n")).get(19_999));
            assertEquals("v", resolved.metadata().get("k"));
          }
        }
      }
      assertEquals(List.of(10, 0, 20_000, 400_000), List.of(rows[0], rows[1], rows[2], rows[3]));
    }
    assertEquals(1, segment.allocations(), "released, but not freed until this side's turn");
    ShmBatches.freeReleased(segment);
    assertEquals(0, segment.allocations(), "the released region is freed at this side's turn");
  }

  @Test
  void aResolvedBatchUsesTheRegionInPlaceAndKeepsItUntilReleased() throws IOException {
    Map<String, String> first;
    try (VectorSchemaRoot large = longs(20_000, 7)) {
      first = ShmBatches.write(segment, LONGS, Batch.of(large), Map.of("k", "first")).orElseThrow();
    }
    long firstOffset = Long.parseLong(first.get(MetadataKeys.SHM_OFFSET));
    Map<String, String> second;
    try (IpcStreamReader pointer = pointerReader(first);
        IpcStreamReader resolved = ShmBatches.resolve(pointer, segment, memory)) {
      BigIntVector n = (BigIntVector) resolved.root().getVector("n");
      long address = n.getDataBuffer().memoryAddress();
      ByteBuffer region = segment.region(firstOffset, Long.parseLong(first.get(MetadataKeys.SHM_LENGTH)));
      long regionAddress = MemoryUtil.getByteBufferAddress(region);
      assertTrue(address > regionAddress && address < regionAddress + region.capacity(),
          "the column's buffer is the region's memory, not a copy");
      assertEquals(1, segment.allocations(), "a batch in use keeps its region");
      assertEquals(1, segment.lentMappings());
      try (VectorSchemaRoot other = longs(20_000, -3)) {
        second = ShmBatches.write(segment, LONGS, Batch.of(other), Map.of()).orElseThrow();
      }
      assertTrue(Long.parseLong(second.get(MetadataKeys.SHM_OFFSET)) > firstOffset,
          "the next batch goes after the region still in use, not over it");
      assertEquals(2, segment.allocations());
      for (int i = 0; i < 20_000; i += 997) {
        assertEquals(7L * i, n.get(i), "row " + i + " of the resolved batch after the next write");
      }
      assertEquals(7L * 19_999, n.get(19_999));
      assertEquals("first", resolved.metadata().get("k"));
      assertEquals(segment.name(), resolved.metadata().get(MetadataKeys.SHM_SOURCE));
      ShmBatches.freeReleased(segment);
      assertEquals(2, segment.allocations(), "nothing released yet: nothing freed");
    }
    assertEquals(0, segment.lentMappings(), "closing the reader released the region");
    assertEquals(0, memory.getAllocatedMemory());
    try (IpcStreamReader again = pointerReader(second);
        IpcStreamReader rewritten = ShmBatches.resolve(again, segment, memory)) {
      assertEquals(1, segment.allocations(), "resolving the next pointer freed the released region");
      assertEquals(-3L * 19_999, ((BigIntVector) rewritten.root().getVector("n")).get(19_999));
    }
    ShmBatches.freeReleased(segment);
    assertEquals(0, segment.allocations());
  }

  @Test
  void aBatchTransferredOutOfItsReaderKeepsTheRegionUntilItIsClosed() throws IOException {
    Map<String, String> pointer;
    try (VectorSchemaRoot large = longs(20_000, 5)) {
      pointer = ShmBatches.write(segment, LONGS, Batch.of(large), Map.of()).orElseThrow();
    }
    BigIntVector kept;
    try (BufferAllocator other = memory.newChildAllocator("other", 0, Long.MAX_VALUE)) {
      try (IpcStreamReader reader = pointerReader(pointer);
          IpcStreamReader resolved = ShmBatches.resolve(reader, segment, memory)) {
        TransferPair move = resolved.root().getVector("n").getTransferPair(other);
        move.transfer();
        kept = (BigIntVector) move.getTo();
      }
      ShmBatches.freeReleased(segment);
      assertEquals(1, segment.allocations(), "the transferred vector still uses the region");
      assertEquals(1, segment.lentMappings());
      assertEquals(5L * 12_345, kept.get(12_345));
      kept.close();
    }
    assertEquals(0, segment.lentMappings());
    ShmBatches.freeReleased(segment);
    assertEquals(0, segment.allocations());
  }

  @Test
  void closingTheSegmentUnmapsItOnlyAfterTheLastBatchUsingItIsReleased() throws IOException {
    Map<String, String> pointer;
    try (VectorSchemaRoot large = longs(20_000, 3)) {
      pointer = ShmBatches.write(segment, LONGS, Batch.of(large), Map.of()).orElseThrow();
    }
    try (IpcStreamReader reader = pointerReader(pointer);
        IpcStreamReader resolved = ShmBatches.resolve(reader, segment, memory)) {
      segment.close();
      assertEquals(0, ShmTesting.ourSegments(), "closing removes the segment's name at once");
      assertThrows(IllegalStateException.class, () -> segment.region(ShmSegment.HEADER_SIZE, 8));
      BigIntVector n = (BigIntVector) resolved.root().getVector("n");
      for (int i = 0; i < 20_000; i += 1_000) {
        assertEquals(3L * i, n.get(i), "row " + i + " read from the mapping after the segment was closed");
      }
      assertEquals(1, segment.lentMappings());
    }
    assertEquals(0, segment.lentMappings(), "the last batch unmapped it");
  }

  @Test
  void anUnmodifiedResolvedBatchIsAnsweredWithItsOwnRegion() throws IOException {
    Map<String, String> request;
    try (VectorSchemaRoot large = longs(20_000, 11)) {
      request = ShmBatches.write(segment, LONGS, Batch.of(large), Map.of()).orElseThrow();
    }
    Map<String, String> answer;
    try (IpcStreamReader pointer = pointerReader(request);
        IpcStreamReader resolved = ShmBatches.resolve(pointer, segment, memory);
        VectorSchemaRoot echoed = transfer(resolved.root())) {
      // what an echoing worker does: the input's buffers, handed over to the output
      answer = ShmBatches.write(segment, LONGS, Batch.of(echoed), Map.of("k", "answer")).orElseThrow();
    }
    assertEquals(request.get(MetadataKeys.SHM_OFFSET), answer.get(MetadataKeys.SHM_OFFSET),
        "the answer names the request's region: nothing copied");
    assertEquals(request.get(MetadataKeys.SHM_LENGTH), answer.get(MetadataKeys.SHM_LENGTH));
    assertEquals("answer", answer.get("k"));
    assertEquals(1, segment.allocations(), "no second region");
    assertEquals(0, segment.lentMappings());
    ShmBatches.freeReleased(segment);
    assertEquals(1, segment.allocations(), "handed back: this side never frees it, the peer does");
    try (IpcStreamReader pointer = pointerReader(answer);
        IpcStreamReader peer = ShmBatches.resolve(pointer, segment, memory)) {
      BigIntVector n = (BigIntVector) peer.root().getVector("n");
      assertEquals(20_000, peer.root().getRowCount());
      for (int i = 0; i < 20_000; i += 499) {
        assertEquals(11L * i, n.get(i));
      }
    }
    ShmBatches.freeReleased(segment);
    assertEquals(0, segment.allocations(), "the peer freed it once read");
  }

  @Test
  void aResolvedBatchStillUsedElsewhereOrChangedIsCopied() throws IOException {
    Map<String, String> request;
    try (VectorSchemaRoot large = longs(20_000, 2)) {
      request = ShmBatches.write(segment, LONGS, Batch.of(large), Map.of()).orElseThrow();
    }
    Map<String, String> shared;
    Map<String, String> shorter;
    try (IpcStreamReader pointer = pointerReader(request);
        IpcStreamReader resolved = ShmBatches.resolve(pointer, segment, memory)) {
      BigIntVector n = (BigIntVector) resolved.root().getVector("n");
      ArrowBuf kept = n.getDataBuffer();
      kept.getReferenceManager().retain(); // something else still reads the region
      try (VectorSchemaRoot echoed = transfer(resolved.root())) {
        shared = ShmBatches.write(segment, LONGS, Batch.of(echoed), Map.of()).orElseThrow();
        assertTrue(Long.parseLong(shared.get(MetadataKeys.SHM_OFFSET))
            > Long.parseLong(request.get(MetadataKeys.SHM_OFFSET)), "another reference is alive: copied");
        echoed.setRowCount(18_000);
        shorter = ShmBatches.write(segment, LONGS, Batch.of(echoed), Map.of()).orElseThrow();
        assertTrue(!shorter.get(MetadataKeys.SHM_OFFSET).equals(request.get(MetadataKeys.SHM_OFFSET)),
            "a batch that is not the region's as written: copied");
      } finally {
        kept.close();
      }
    }
    ShmBatches.freeReleased(segment);
    assertEquals(2, segment.allocations(), "the request's region freed once released; two answers left");
    try (IpcStreamReader pointer = pointerReader(shared);
        IpcStreamReader copy = ShmBatches.resolve(pointer, segment, memory)) {
      assertEquals(20_000, copy.root().getRowCount());
      assertEquals(2L * 19_999, ((BigIntVector) copy.root().getVector("n")).get(19_999));
    }
    try (IpcStreamReader pointer = pointerReader(shorter);
        IpcStreamReader copy = ShmBatches.resolve(pointer, segment, memory)) {
      assertEquals(18_000, copy.root().getRowCount());
      assertEquals(2L * 17_999, ((BigIntVector) copy.root().getVector("n")).get(17_999));
    }
    ShmBatches.freeReleased(segment);
    assertEquals(0, segment.allocations());
  }

  /** The root's vectors moved into a new root (the source keeps none), as an echoing worker does. */
  private VectorSchemaRoot transfer(VectorSchemaRoot source) {
    List<org.apache.arrow.vector.FieldVector> moved = new java.util.ArrayList<>();
    for (org.apache.arrow.vector.FieldVector vector : source.getFieldVectors()) {
      TransferPair pair = vector.getTransferPair(memory);
      pair.transfer();
      moved.add((org.apache.arrow.vector.FieldVector) pair.getTo());
    }
    VectorSchemaRoot target = new VectorSchemaRoot(source.getSchema().getFields(), moved, source.getRowCount());
    source.setRowCount(0);
    return target;
  }

  @Test
  void aBatchTakesExactlyItsStreamInTheSegmentHoweverWideItsSchema() throws IOException {
    List<Field> fields = new java.util.ArrayList<>();
    for (int i = 0; i < 400; i++) {
      fields.add(Field.nullable("c" + i, new ArrowType.Int(64, true)));
    }
    Schema wide = new Schema(fields);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(wide, memory)) {
      for (int c = 0; c < 400; c++) {
        BigIntVector column = (BigIntVector) root.getVector(c);
        for (int i = 0; i < 50; i++) {
          column.setSafe(i, c * 1000L + i);
        }
      }
      root.setRowCount(50); // 400 columns of 50 rows: 160 KB of buffers, 400 x 3 buffer entries
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      try (IpcStreamWriter writer = IpcStreamWriter.start(expected, wide)) {
        writer.append(Batch.of(root), Map.of());
      }
      Map<String, String> pointer = ShmBatches.write(segment, wide, Batch.of(root), Map.of()).orElseThrow();
      assertEquals(Long.toString(expected.size()), pointer.get(MetadataKeys.SHM_LENGTH),
          "the region holds the batch's stream, exactly");
      byte[] stored = new byte[expected.size()];
      segment.region(Long.parseLong(pointer.get(MetadataKeys.SHM_OFFSET)), stored.length).get(stored);
      assertTrue(java.util.Arrays.equals(expected.toByteArray(), stored), "byte for byte the stream writer's");
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (VectorSchemaRoot empty = VectorSchemaRoot.create(wide, memory);
          IpcStreamWriter writer = IpcStreamWriter.start(bytes, wide)) {
        writer.write(empty, pointer);
      }
      try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(bytes.toByteArray()), memory)
          .orElseThrow()) {
        assertTrue(reader.next());
        try (IpcStreamReader resolved = ShmBatches.resolve(reader, segment, memory)) {
          assertEquals(50, resolved.root().getRowCount());
          assertEquals(399_049L, ((BigIntVector) resolved.root().getVector("c399")).get(49));
        }
      }
    }
    ShmBatches.freeReleased(segment);
    assertEquals(0, segment.allocations());
  }

  /** A reader positioned on a zero-row pointer batch carrying the given metadata. */
  private IpcStreamReader pointerReader(Map<String, String> metadata) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (VectorSchemaRoot empty = longs(0); IpcStreamWriter writer = IpcStreamWriter.start(bytes, LONGS)) {
      writer.write(empty, metadata);
    }
    IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(bytes.toByteArray()), memory)
        .orElseThrow();
    assertTrue(reader.next());
    return reader;
  }

  @Test
  void pointersThatCannotBeResolvedAreTypedErrors() throws IOException {
    assertEquals("shared-memory pointer has a malformed vgi_rpc.shm_offset: 'abc'",
        failure(Map.of(MetadataKeys.SHM_OFFSET, "abc", MetadataKeys.SHM_LENGTH, "10")));
    assertEquals("shared-memory pointer has a malformed vgi_rpc.shm_length: '-1'",
        failure(Map.of(MetadataKeys.SHM_OFFSET, "65536", MetadataKeys.SHM_LENGTH, "-1")));
    assertEquals("shared-memory pointer has a malformed vgi_rpc.shm_length: 'null'",
        failure(Map.of(MetadataKeys.SHM_OFFSET, "65536")));
    String outside = failure(Map.of(MetadataKeys.SHM_OFFSET, "65536", MetadataKeys.SHM_LENGTH, "99999999"));
    assertTrue(outside.startsWith("shared-memory pointer outside segment '" + segment.name() + "'"), outside);
    long offset = segment.allocate(64).orElseThrow();
    segment.region(offset, 64).put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    String garbage = failure(Map.of(MetadataKeys.SHM_OFFSET, Long.toString(offset), MetadataKeys.SHM_LENGTH, "64"));
    assertTrue(garbage.startsWith("shared-memory batch at offset " + offset + " of segment '" + segment.name()
        + "' is unreadable"), garbage);
    assertEquals(1, segment.allocations(), "an unreadable region is not freed");
    Map<String, String> good;
    try (VectorSchemaRoot large = longs(20_000)) {
      good = new java.util.LinkedHashMap<>(ShmBatches.write(segment, LONGS, Batch.of(large), Map.of()).orElseThrow());
    }
    long length = Long.parseLong(good.get(MetadataKeys.SHM_LENGTH));
    good.put(MetadataKeys.SHM_LENGTH, Long.toString(length - 8 - 1_000)); // no marker, the body cut short
    String cut = failure(good);
    assertTrue(cut.contains("is unreadable: IPC message declares a body of"), cut);
    ShmBatches.freeReleased(segment);
    assertEquals(2, segment.allocations(), "a batch that could not be resolved is never freed");
    assertEquals(0, segment.lentMappings(), "its mapping is given back");
  }

  private String failure(Map<String, String> metadata) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (VectorSchemaRoot empty = longs(0); IpcStreamWriter writer = IpcStreamWriter.start(bytes, LONGS)) {
      writer.write(empty, metadata);
    }
    try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(bytes.toByteArray()), memory)
        .orElseThrow()) {
      assertTrue(reader.next());
      RpcException error = assertThrows(RpcException.class, () -> ShmBatches.resolve(reader, segment, memory));
      assertEquals("RuntimeError", error.errorType());
      return error.errorMessage();
    }
  }

  private VectorSchemaRoot longs(int rows) {
    return longs(rows, 1);
  }

  private VectorSchemaRoot longs(int rows, long factor) {
    VectorSchemaRoot root = VectorSchemaRoot.create(LONGS, memory);
    BigIntVector n = (BigIntVector) root.getVector("n");
    for (int i = 0; i < rows; i++) {
      n.setSafe(i, factor * i);
    }
    root.setRowCount(rows);
    return root;
  }
}
