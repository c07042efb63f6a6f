package dev.arrowrpc.core.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The connection scope: one per thread, segments attached when named and unmapped when replaced or closed. */
class ShmConnectionTest {
  /** A segment that only records whether it was closed. */
  static final class Fake implements SharedSegment {
    final String name;
    boolean closed;

    Fake(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public long size() {
      return 1 << 20;
    }

    @Override
    public OptionalLong allocate(long length) {
      return OptionalLong.empty();
    }

    @Override
    public void free(long offset) {}

    @Override
    public ByteBuffer region(long offset, long length) {
      throw new IllegalArgumentException("no data");
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private final List<Fake> opened = new ArrayList<>();

  private SharedSegment open(String name, long size) throws IOException {
    if (name.equals("broken")) {
      throw new IOException("no such segment");
    }
    Fake fake = new Fake(name);
    opened.add(fake);
    return fake;
  }

  private static Map<String, String> request(String name, String size) {
    return Map.of(MetadataKeys.METHOD, "m", MetadataKeys.SHM_SEGMENT_NAME, name, MetadataKeys.SHM_SEGMENT_SIZE, size);
  }

  @Test
  void segmentsAreAttachedWhenNamedKeptWhileTheSameAndClosedWithTheConnection() {
    assertFalse(ShmConnection.current().isPresent());
    try (ShmConnection connection = ShmConnection.open(this::open)) {
      assertSame(connection, ShmConnection.current().orElseThrow());
      assertThrows(IllegalStateException.class, () -> ShmConnection.open(this::open), "one per thread");

      connection.request(request("a", "1048576"));
      connection.request(request("a", "1048576"));
      assertEquals(1, opened.size(), "the same name is attached once");
      assertEquals("a", connection.forAnswers().orElseThrow().name());

      connection.request(Map.of(MetadataKeys.METHOD, "m"));
      assertTrue(connection.forAnswers().isEmpty(), "a call that names no segment is answered inline");
      assertEquals("a", connection.segment().orElseThrow().name(), "but the segment stays attached");

      connection.request(Map.of(MetadataKeys.METHOD, "m", MetadataKeys.SHM_OFFSET, "65536"));
      assertTrue(connection.forAnswers().isPresent(), "a pointer request uses the segment");

      connection.request(request("b", "1048576"));
      assertTrue(opened.get(0).closed, "replaced: the old one is unmapped");
      assertEquals("b", connection.segment().orElseThrow().name());

      connection.request(request("c", "many"));
      assertEquals("b", connection.segment().orElseThrow().name(), "a malformed size is ignored");
      assertTrue(connection.forAnswers().isEmpty());

      RpcException broken = assertThrows(RpcException.class, () -> connection.request(request("broken", "1")));
      assertEquals("cannot attach the shared-memory segment 'broken': no such segment", broken.errorMessage());
      assertEquals("b", connection.segment().orElseThrow().name(), "a failed attach keeps the current one");
    }
    assertTrue(opened.get(1).closed, "closed with the connection");
    assertFalse(ShmConnection.current().isPresent());
  }
}
