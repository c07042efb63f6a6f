package dev.arrowrpc.transport.flight;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/**
 * A byte buffer a server-side stream loop reuses for every turn's request or answer, read back in
 * place ({@link #toInputStream()} copies nothing). It is a channel both ways, so the engine's IPC
 * writer puts each batch body into it with one copy and the IPC reader moves it into Arrow memory
 * with one copy, with no scratch buffer in between.
 */
final class TurnBuffer extends ByteArrayOutputStream implements WritableByteChannel {
  TurnBuffer() {
    super(64 * 1024);
  }

  @Override
  public int write(ByteBuffer source) {
    int length = source.remaining();
    if (count + length > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + length));
    }
    source.get(buf, count, length);
    count += length;
    return length;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  /** {@return the bytes written since the last reset, without copying them; valid until the next write} */
  InputStream toInputStream() {
    return new Reading(buf, count);
  }

  /** The bytes as a stream that is also a channel (direct buffers filled in one copy). */
  private static final class Reading extends ByteArrayInputStream implements ReadableByteChannel {
    Reading(byte[] bytes, int length) {
      super(bytes, 0, length);
    }

    @Override
    public int read(ByteBuffer target) {
      if (pos >= count) {
        return -1;
      }
      int n = Math.min(target.remaining(), count - pos);
      target.put(buf, pos, n);
      pos += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }
}
