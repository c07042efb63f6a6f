package dev.arrowrpc.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The raw channels the transports are compared with, each as simple as it can be: a child JVM
 * ({@link BenchWorker} {@code raw}) answering a 1-byte ping, or swallowing a bulk copy written in
 * 64 KiB pieces, over its stdin/stdout pipes, a Unix-domain socket, loopback TCP, or HTTP (a bare
 * Undertow handler called by OkHttp, see {@link RawHttp}).
 */
public final class Baselines {
  /** The bytes a bulk-copy operation moves. */
  public static final long BULK_BYTES = 64L << 20;
  private static final int CHUNK = 64 * 1024;

  private Baselines() {}

  /** A raw channel kind. */
  public enum Channel {
    /** A child process's stdin and stdout. */
    PIPE("pipe"),
    /** A Unix-domain socket. */
    UNIX("unix socket"),
    /** Loopback TCP with TCP_NODELAY. */
    TCP("tcp loopback"),
    /** HTTP/1.1 on loopback: a bare Undertow handler, called by OkHttp ({@link RawHttp}). */
    HTTP("HTTP (raw Undertow handler + OkHttp client)");

    private final String label;

    Channel(String label) {
      this.label = label;
    }

    /**
     * The channel's name in tables.
     *
     * @return the label
     */
    public String label() {
      return label;
    }
  }

  /** A client end of the raw protocol. */
  public interface RawClient extends AutoCloseable {
    /**
     * Sends one byte and waits for the answer.
     *
     * @throws IOException when the channel fails
     */
    void ping() throws IOException;

    /**
     * Writes {@code bytes} bytes in 64 KiB pieces and waits until the peer has read them all.
     *
     * @param bytes how many
     * @throws IOException when the channel fails
     */
    void bulk(long bytes) throws IOException;

    @Override
    void close();
  }

  /**
   * Starts a raw worker on a channel and connects to it.
   *
   * @param channel the channel kind
   * @return the client
   * @throws IOException when the worker cannot be started or reached
   */
  public static RawClient open(Channel channel) throws IOException {
    return switch (channel) {
      case PIPE -> new PipeClient();
      case UNIX -> {
        Path path = Launcher.socketPath("raw");
        Launcher.SocketWorker worker = Launcher.socketWorker(
            Launcher.benchWorker(List.of("raw", "--unix", path.toString())), "UNIX:");
        SocketChannel socket = Retry.connect(() -> SocketChannel.open(UnixDomainSocketAddress.of(path)));
        yield new SocketClient(socket, () -> {
          worker.close();
          Files.deleteIfExists(path);
        });
      }
      case TCP -> {
        Launcher.SocketWorker worker = Launcher.socketWorker(
            Launcher.benchWorker(List.of("raw", "--tcp", "127.0.0.1:0")), "TCP:");
        String address = worker.announced();
        int colon = address.lastIndexOf(':');
        InetSocketAddress target = new InetSocketAddress(address.substring(0, colon),
            Integer.parseInt(address.substring(colon + 1)));
        SocketChannel socket = Retry.connect(() -> SocketChannel.open(target));
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        yield new SocketClient(socket, worker);
      }
      case HTTP -> {
        Launcher.SocketWorker worker = Launcher.socketWorker(
            Launcher.benchWorker(List.of("raw", "--http", "0")), "PORT:");
        yield new RawHttp.Client("http://127.0.0.1:" + worker.announced(), worker);
      }
    };
  }

  /** The pipe baseline: the child's stdin and stdout as {@code Process} hands them out. */
  private static final class PipeClient implements RawClient {
    private final Process process;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] chunk = new byte[CHUNK];

    PipeClient() throws IOException {
      ProcessBuilder builder = new ProcessBuilder(
          Launcher.pinned(Launcher.benchWorker(List.of("raw", "--pipe"))));
      builder.redirectError(ProcessBuilder.Redirect.DISCARD);
      process = builder.start();
      out = process.getOutputStream();
      in = process.getInputStream();
    }

    @Override
    public void ping() throws IOException {
      out.write('p');
      out.flush();
      expect(in.read(), 'p');
    }

    @Override
    public void bulk(long bytes) throws IOException {
      out.write('b');
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (bytes >>> shift));
      }
      out.flush();
      long left = bytes;
      while (left > 0) {
        int n = (int) Math.min(CHUNK, left);
        out.write(chunk, 0, n);
        left -= n;
      }
      out.flush();
      expect(in.read(), 'b');
    }

    @Override
    public void close() {
      try {
        out.close();
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (IOException e) {
        process.destroyForcibly();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The socket baselines: a blocking channel and direct buffers. */
  private static final class SocketClient implements RawClient {
    private final SocketChannel socket;
    private final AutoCloseable worker;
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);
    private final ByteBuffer header = ByteBuffer.allocateDirect(9);
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);

    SocketClient(SocketChannel socket, AutoCloseable worker) {
      this.socket = socket;
      this.worker = worker;
    }

    @Override
    public void ping() throws IOException {
      one.clear();
      one.put(0, (byte) 'p');
      writeFully(one);
      await('p');
    }

    @Override
    public void bulk(long bytes) throws IOException {
      header.clear();
      header.put((byte) 'b').putLong(bytes).flip();
      writeFully(header);
      long left = bytes;
      while (left > 0) {
        chunk.clear();
        chunk.limit((int) Math.min(CHUNK, left));
        left -= chunk.remaining();
        writeFully(chunk);
      }
      await('b');
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
      while (buffer.hasRemaining()) {
        socket.write(buffer);
      }
    }

    private void await(char expected) throws IOException {
      one.clear();
      if (!BenchWorker.readFully(socket, one)) {
        throw new IOException("raw worker closed the connection");
      }
      expect(one.get(0), expected);
    }

    @Override
    public void close() {
      Launcher.closeAll(List.of(socket, worker));
    }
  }

  /**
   * The in-memory baseline of the shared-memory echo (issue 17): the same bytes copied from one
   * direct buffer into another and back, one {@code ByteBuffer.put} each way (the JDK's bulk copy
   * between native buffers), as an echo moves them out and back. No process and no kernel: what a
   * copy of those bytes costs on this machine's memory.
   */
  static final class MemoryCopy implements Measure.Op {
    private final ByteBuffer origin;
    private final ByteBuffer copy;

    /**
     * Allocates the two buffers, the first holding {@code content}.
     *
     * @param content the bytes to copy (an echo's payload, one way)
     */
    MemoryCopy(byte[] content) {
      origin = ByteBuffer.allocateDirect(content.length);
      origin.put(content).clear();
      copy = ByteBuffer.allocateDirect(content.length);
    }

    /** {@return the bytes one run copies, both ways counted (as an echo's throughput counts them)} */
    long bytesPerOp() {
      return 2L * origin.capacity();
    }

    /** {@return the second buffer (the bytes after a run, for tests)} */
    ByteBuffer copy() {
      return copy.duplicate().clear();
    }

    /** {@return the first buffer (the bytes after a run, for tests)} */
    ByteBuffer origin() {
      return origin.duplicate().clear();
    }

    @Override
    public void run() {
      origin.clear();
      copy.clear();
      copy.put(origin);
      copy.flip();
      origin.clear();
      origin.put(copy);
    }
  }

  private static void expect(int actual, char expected) throws IOException {
    if (actual != expected) {
      throw new IOException("raw worker answered " + actual + ", expected '" + expected + "'");
    }
  }
}
