package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The segment's header layout, allocator, attachment checks and lifetime. */
class ShmSegmentTest {
  /** The reference's pinned header bytes (tests/test_shm_header_format.py): two entries, a gap between. */
  static final String GOLDEN = "56474953010000000040000000000000020000000000000000000100000000006400000000000000"
      + "00010100000000003200000000000000";

  @AfterEach
  void noSegmentLeftBehind() throws IOException {
    assertEquals(0, ShmTesting.ourSegments(), "segments left in /dev/shm");
  }

  @Test
  void headerLayoutMatchesTheReferenceGoldenBytes() throws IOException {
    try (ShmSegment segment = ShmSegment.create(ShmSegment.HEADER_SIZE + 16384)) {
      long a = segment.allocate(100).orElseThrow();
      long gap = segment.allocate(156).orElseThrow();
      long b = segment.allocate(50).orElseThrow();
      segment.free(gap);
      assertEquals(ShmSegment.HEADER_SIZE, a);
      assertEquals(ShmSegment.HEADER_SIZE + 256, b);
      assertEquals(GOLDEN, HexFormat.of().formatHex(segment.headerBytes(56)));
      assertEquals(4094, ShmSegment.MAX_ALLOCS);
    }
  }

  @Test
  void firstFitReusesFreedGapsAndRefusesWhatDoesNotFit() throws IOException {
    try (ShmSegment segment = ShmSegment.create(ShmSegment.HEADER_SIZE + 1000)) {
      long first = segment.allocate(400).orElseThrow();
      long second = segment.allocate(400).orElseThrow();
      assertEquals(ShmSegment.HEADER_SIZE + 400, second);
      assertEquals(OptionalLong.empty(), segment.allocate(201), "200 bytes are left");
      segment.free(first);
      assertEquals(OptionalLong.of(first), segment.allocate(300), "the first gap that fits");
      assertEquals(OptionalLong.of(ShmSegment.HEADER_SIZE + 800L), segment.allocate(200), "the tail");
      assertEquals(3, segment.allocations());
      segment.free(second);
      assertEquals(OptionalLong.of(ShmSegment.HEADER_SIZE + 300L), segment.allocate(500),
          "freed neighbours coalesce: 300..800 is free");
      IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> segment.free(12345));
      assertEquals("no allocation at offset 12345 in segment '" + segment.name() + "'", unknown.getMessage());
      assertThrows(IllegalArgumentException.class, () -> segment.allocate(0));
      IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
          () -> segment.region(ShmSegment.HEADER_SIZE + 900, 101));
      assertTrue(outside.getMessage().contains("outside the data region"), outside.getMessage());
      assertThrows(IllegalArgumentException.class, () -> segment.region(8, 4), "the header is not data");
      segment.reset();
      assertEquals(0, segment.allocations());
    }
  }

  @Test
  void theAllocationListHoldsAtMost4094Regions() throws IOException {
    try (ShmSegment segment = ShmSegment.create(ShmSegment.HEADER_SIZE + 8192)) {
      for (int i = 0; i < ShmSegment.MAX_ALLOCS; i++) {
        assertTrue(segment.allocate(1).isPresent(), "allocation " + i);
      }
      assertEquals(OptionalLong.empty(), segment.allocate(1), "the header is full");
      assertEquals(ShmSegment.MAX_ALLOCS, segment.allocations());
    }
  }

  @Test
  void anAttachedPeerSeesTheSameBytesAndClosingRemovesOnlyTheOwnersSegment() throws IOException {
    ShmSegment owner = ShmSegment.create(ShmSegment.HEADER_SIZE + 4096);
    Path file = Path.of("/dev/shm", owner.name());
    try {
      assertTrue(Files.exists(file));
      long offset = owner.allocate(5).orElseThrow();
      owner.region(offset, 5).put(new byte[] {1, 2, 3, 4, 5});
      try (ShmSegment peer = ShmSegment.attach(owner.name(), 1)) {
        assertEquals(owner.size(), peer.size(), "the segment's own size, not the advertised one");
        byte[] seen = new byte[5];
        peer.region(offset, 5).get(seen);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, seen);
        assertEquals(1, peer.allocations());
        peer.free(offset);
        assertEquals(0, owner.allocations(), "one header, two mappings");
      }
      assertTrue(Files.exists(file), "an attached peer never removes the segment");
    } finally {
      owner.close();
    }
    assertFalse(Files.exists(file), "the owner removes it on close");
    owner.close(); // idempotent
    assertThrows(IllegalStateException.class, () -> owner.allocate(1));
  }

  @Test
  void attachRefusesWhatIsNotAReferenceSegment() throws IOException {
    IOException slash = assertThrows(IOException.class, () -> ShmSegment.attach("../etc/passwd", 100000));
    assertEquals("not a shared-memory segment name: '../etc/passwd'", slash.getMessage());
    IOException missing = assertThrows(IOException.class, () -> ShmSegment.attach("vgi_no_such_segment", 100000));
    assertEquals("no shared-memory segment named 'vgi_no_such_segment'", missing.getMessage());

    Path file = Path.of("/dev/shm", "vgi_" + "test_" + ProcessHandle.current().pid());
    try {
      Files.write(file, new byte[100]);
      IOException small = assertThrows(IOException.class, () -> ShmSegment.attach(file.getFileName().toString(), 0));
      assertTrue(small.getMessage().contains("has 100 bytes"), small.getMessage());

      ByteBuffer header = ByteBuffer.allocate(ShmSegment.HEADER_SIZE + 64).order(ByteOrder.LITTLE_ENDIAN);
      header.put(new byte[] {'V', 'G', 'I', 'X'});
      Files.write(file, header.array());
      IOException magic = assertThrows(IOException.class, () -> ShmSegment.attach(file.getFileName().toString(), 0));
      assertEquals("bad shared-memory magic in segment '" + file.getFileName() + "'", magic.getMessage());

      header.put(3, (byte) 'S').putInt(4, 1).putLong(8, 63);
      Files.write(file, header.array());
      IOException size = assertThrows(IOException.class, () -> ShmSegment.attach(file.getFileName().toString(), 0));
      assertTrue(size.getMessage().contains("data_size mismatch") && size.getMessage().contains("header says 63, expected 64"),
          size.getMessage());

      header.putInt(4, 2).putLong(8, 64);
      Files.write(file, header.array());
      IOException version = assertThrows(IOException.class,
          () -> ShmSegment.attach(file.getFileName().toString(), 0));
      assertTrue(version.getMessage().contains("unsupported shared-memory version 2"), version.getMessage());
    } finally {
      Files.deleteIfExists(file);
    }
    assertThrows(IllegalArgumentException.class, () -> ShmSegment.create(ShmSegment.HEADER_SIZE));
  }
}
