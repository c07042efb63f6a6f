package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkedStreamsTest {
  @Test
  void writesReachTheDelegateInPiecesOfAtMost64KiB() throws IOException {
    List<Integer> pieces = new ArrayList<>();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream recording = new OutputStream() {
      @Override
      public void write(int b) {
        pieces.add(1);
        sink.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        pieces.add(len);
        sink.write(b, off, len);
      }
    };
    byte[] data = new byte[200_000];
    data[199_999] = 7;
    new ChunkedOutputStream(recording).write(data, 0, data.length);
    assertEquals(List.of(65_536, 65_536, 65_536, 3_392), pieces);
    assertArrayEquals(data, sink.toByteArray());
  }

  @Test
  void readsAskTheDelegateForAtMost64KiB() throws IOException {
    List<Integer> asked = new ArrayList<>();
    InputStream source = new ByteArrayInputStream(new byte[200_000]) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        asked.add(len);
        return super.read(b, off, len);
      }
    };
    int n = new ChunkedInputStream(source).read(new byte[200_000], 0, 200_000);
    assertEquals(65_536, n);
    assertTrue(asked.stream().allMatch(len -> len <= 65_536), asked.toString());
  }
}
