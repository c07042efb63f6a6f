package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.shm.ShmBatches;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One segment, two languages: batches Java writes are read by the reference's {@code vgi_rpc.shm},
 * and batches it writes (a plain one and one with a dictionary-encoded column, stored in its
 * stripped form) are resolved by Java; each side frees what it read, in the one header. Needs the
 * reference's virtualenv ({@code conformance/run-reference-suite.sh --prepare}, or {@code
 * $VGI_RPC_PYTHON}); skipped without it.
 */
class ShmPythonInteropTest {
  private static final int ROWS = 20_000; // 160 KB of longs: above the 128 KiB threshold

  @TempDir Path dir;
  private Path python;

  @BeforeEach
  void needsTheReference() {
    Optional<Path> found = ShmTesting.referencePython();
    Assumptions.assumeTrue(found.isPresent(), "no reference virtualenv (conformance/target/venv, or "
        + "$VGI_RPC_PYTHON): run conformance/run-reference-suite.sh --prepare to run this test");
    python = found.get();
  }

  @AfterEach
  void noSegmentLeftBehind() throws IOException {
    assertEquals(0, ShmTesting.ourSegments(), "segments left in /dev/shm");
  }

  @Test
  void batchesCrossTheSegmentBothWays() throws Exception {
    Schema schema = new Schema(List.of(Field.nullable("n", new ArrowType.Int(64, true)),
        Field.nullable("label", ArrowType.Utf8.INSTANCE)));
    try (BufferAllocator memory = new RootAllocator();
        ShmSegment segment = ShmSegment.create(4 << 20)) {
      Map<String, String> pointer;
      try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, memory)) {
        BigIntVector n = (BigIntVector) root.getVector("n");
        VarCharVector label = (VarCharVector) root.getVector("label");
        for (int i = 0; i < ROWS; i++) {
          n.setSafe(i, i);
          label.setSafe(i, ("row-" + i).getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(ROWS);
        pointer = ShmBatches.write(segment, schema, Batch.of(root), Map.of("k", "v")).orElseThrow();
      }
      assertEquals("v", pointer.get("k"), "the batch's own metadata rides on the pointer");
      assertEquals(1, segment.allocations());

      List<String> out = runPython(segment, pointer.get(MetadataKeys.SHM_OFFSET),
          pointer.get(MetadataKeys.SHM_LENGTH));
      assertEquals("read " + ROWS + " " + ((long) ROWS * (ROWS - 1) / 2) + " row-19999", out.get(0),
          "Python decoded the batch Java wrote");
      assertEquals(2, segment.allocations(), "Python freed what it read and left its two batches");

      try (IpcStreamReader plain = pointerStream(dir.resolve("plain.arrow"), memory);
          IpcStreamReader resolved = ShmBatches.resolve(plain, segment, memory)) {
        assertEquals(ROWS, resolved.root().getRowCount());
        BigIntVector n = (BigIntVector) resolved.root().getVector("n");
        assertEquals(ROWS - 1, n.get(ROWS - 1));
        assertEquals(segment.name(), resolved.metadata().get(MetadataKeys.SHM_SOURCE));
        assertTrue(!resolved.metadata().containsKey(MetadataKeys.SHM_OFFSET), resolved.metadata().toString());
      }
      try (IpcStreamReader coded = pointerStream(dir.resolve("dict.arrow"), memory);
          IpcStreamReader resolved = ShmBatches.resolve(coded, segment, memory)) {
        assertEquals(ROWS, resolved.root().getRowCount());
        Field color = resolved.schema().findField("color");
        IntVector indices = (IntVector) resolved.root().getVector("color");
        VarCharVector words = (VarCharVector) resolved.lookup(color.getDictionary().getId()).getVector();
        assertEquals("blue", new String(words.get(indices.get(ROWS - 1)), StandardCharsets.UTF_8),
            "row 19999 is blue (19999 % 3 == 1)");
      }
      assertEquals(0, segment.allocations(), "Java freed both");
      assertEquals(0, memory.getAllocatedMemory());
    }
  }

  private static IpcStreamReader pointerStream(Path file, BufferAllocator memory) throws IOException {
    IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(Files.readAllBytes(file)), memory)
        .orElseThrow();
    assertTrue(reader.next());
    assertTrue(ShmBatches.isPointer(reader.root().getRowCount(), reader.metadata()), reader.metadata().toString());
    return reader;
  }

  private List<String> runPython(ShmSegment segment, String offset, String length) throws Exception {
    Path script = dir.resolve("peer.py");
    Files.writeString(script, String.join("\n",
        "import sys, pyarrow as pa",
        "from vgi_rpc.shm import ShmSegment, _deserialize_from_shm, make_shm_pointer_batch",
        "name, size, offset, length, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]",
        "seg = ShmSegment.attach(name, size, track=False)",
        "schema = pa.schema([('n', pa.int64()), ('label', pa.utf8())])",
        "batch = _deserialize_from_shm(seg.read_buffer(offset, length), schema)",
        "print('read', batch.num_rows, sum(batch.column('n').to_pylist()), batch.column('label')[-1].as_py())",
        "del batch",
        "seg.free(offset)",
        "def put(b, file):",
        "    off, ln = seg.allocate_and_write(b)",
        "    pb, md = make_shm_pointer_batch(b.schema, off, ln)",
        "    sink = pa.BufferOutputStream()",
        "    with pa.ipc.new_stream(sink, b.schema) as w:",
        "        w.write_batch(pb, custom_metadata=md)",
        "    open(out + '/' + file, 'wb').write(sink.getvalue().to_pybytes())",
        "rows = " + ROWS,
        "put(pa.record_batch({'n': pa.array(range(rows), pa.int64())}), 'plain.arrow')",
        "colors = pa.DictionaryArray.from_arrays(pa.array([i % 3 for i in range(rows)], pa.int32()),"
            + " pa.array(['red', 'blue', 'green']))",
        "put(pa.record_batch({'color': colors}), 'dict.arrow')",
        "seg.close()",
        ""));
    Process process = new ProcessBuilder(python.toString(), script.toString(), segment.name(),
        Long.toString(segment.size()), offset, length, dir.toString())
        .redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
      reader.lines().forEach(lines::add);
    }
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the Python peer hangs");
    assertEquals(0, process.exitValue(), "the Python peer failed: " + lines);
    return lines;
  }
}
