package dev.arrowrpc.transport.pipe;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Streams over a worker's stdin and stdout that are channels too. Stream reads and writes (message
 * headers, and the wait for the next request) use the file streams, which an interrupt cannot
 * close; only the bulk transfers the wire layer hands over as direct buffers (record-batch bodies of
 * 16 KiB and more) use the file's channel, which moves them without a copy on the Java heap. A
 * pending interrupt is cleared before each channel transfer, since a channel closes when its thread
 * is interrupted.
 */
final class StdioStreams {
  private StdioStreams() {}

  /** A stream onto stdin-like input. */
  static InputStream input(FileInputStream in) {
    return new Input(in, in.getChannel());
  }

  /** A stream onto stdout-like output. */
  static OutputStream output(FileOutputStream out) {
    return new Output(out, out.getChannel());
  }

  private static void clearPendingInterrupt() {
    Thread.interrupted();
  }

  private static final class Input extends InputStream implements ReadableByteChannel {
    private final InputStream stream;
    private final FileChannel channel;

    Input(FileInputStream in, FileChannel channel) {
      this.stream = SpinningInputStream.around(new ChunkedInputStream(in));
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      return stream.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return stream.read(b, off, len);
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
      if (!target.hasRemaining()) {
        return 0;
      }
      clearPendingInterrupt();
      return channel.read(target);
    }

    @Override
    public int available() throws IOException {
      return stream.available();
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
      stream.close();
    }
  }

  private static final class Output extends OutputStream implements WritableByteChannel {
    private final OutputStream stream;
    private final FileChannel channel;

    Output(FileOutputStream out, FileChannel channel) {
      this.stream = new ChunkedOutputStream(out);
      this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
      stream.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      stream.write(b, off, len);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      int length = source.remaining();
      clearPendingInterrupt();
      while (source.hasRemaining()) {
        channel.write(source);
      }
      return length;
    }

    @Override
    public void flush() throws IOException {
      stream.flush();
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
      stream.close();
    }
  }
}
