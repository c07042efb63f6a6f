package dev.arrowrpc.core.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Byte channels over a connection's streams for Arrow's message reader and writer. Unlike {@link
 * java.nio.channels.Channels#newChannel}, they are not interruptible (an interrupt left pending by
 * user code must not close the connection), closing them leaves the stream open (the connection
 * outlives each IPC stream), heap buffers are passed through without an intermediate copy, and a
 * stream that is also a channel ({@link WireInput}, {@link WireOutput}) receives direct buffers
 * as they are.
 */
final class StreamChannels {
  private static final int CHUNK = 64 * 1024;

  /**
   * One scratch buffer per thread, shared by every channel that thread uses: a channel is made per
   * IPC stream (several per call), so a buffer per channel would cost an allocation per stream.
   */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[CHUNK]);

  private StreamChannels() {}

  static WritableByteChannel writable(OutputStream out) {
    return new Writable(out);
  }

  static ReadableByteChannel readable(InputStream in) {
    return new Readable(in);
  }

  private static final class Writable implements WritableByteChannel {
    private final OutputStream out;
    private boolean open = true;

    Writable(OutputStream out) {
      this.out = out;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      int length = source.remaining();
      if (source.hasArray()) {
        out.write(source.array(), source.arrayOffset() + source.position(), length);
        source.position(source.limit());
        return length;
      }
      if (out instanceof WritableByteChannel direct) {
        // a connection that takes direct buffers itself (see WireOutput): no heap copy
        while (source.hasRemaining()) {
          direct.write(source);
        }
        return length;
      }
      byte[] scratch = SCRATCH.get();
      while (source.hasRemaining()) {
        int n = Math.min(source.remaining(), scratch.length);
        source.get(scratch, 0, n);
        out.write(scratch, 0, n);
      }
      return length;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }

  private static final class Readable implements ReadableByteChannel {
    private final InputStream in;
    private boolean open = true;

    Readable(InputStream in) {
      this.in = in;
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
      if (!target.hasRemaining()) {
        return 0;
      }
      if (target.hasArray()) {
        int n = in.read(target.array(), target.arrayOffset() + target.position(), target.remaining());
        if (n > 0) {
          target.position(target.position() + n);
        }
        return n;
      }
      if (in instanceof ReadableByteChannel direct) {
        // a connection that fills direct buffers itself (see WireInput): no heap copy
        return direct.read(target);
      }
      byte[] scratch = SCRATCH.get();
      int n = in.read(scratch, 0, Math.min(target.remaining(), scratch.length));
      if (n > 0) {
        target.put(scratch, 0, n);
      }
      return n;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
