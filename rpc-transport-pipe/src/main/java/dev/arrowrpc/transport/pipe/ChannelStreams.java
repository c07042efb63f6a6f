package dev.arrowrpc.transport.pipe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Streams over a blocking channel (a socket, a stdio pipe's file channel, or a {@link SelectingChannel},
 * which reads and writes as a blocking one does).
 *
 * <p>{@code Channels.newInputStream}/{@code newOutputStream} hold the channel's blocking lock for
 * the whole of a read, so a write from another thread waits until the read returns. These streams
 * call the channel directly: a socket channel has separate read and write locks, so each direction
 * proceeds on its own. Pieces are at most {@link ChunkedInputStream#CHUNK} bytes, which bounds the
 * temporary direct buffer NIO uses per thread. The streams are channels too: the wire layer hands
 * them Arrow's direct buffers for batch bodies, which then move without a copy on the Java heap.
 * A stream read from a TCP socket first polls for bytes within a {@link SpinBudget}, as the pipes do;
 * so does one read from a Unix domain socket: through the socket's stream where Java can ask it how
 * many bytes wait, else by reading a non-blocking socket ({@link #unixConnection}).
 */
final class ChannelStreams {
  /**
   * Makes {@link #unixConnection} choose a {@link SelectingChannel} whatever this JVM and machine
   * are, so that tests cover it on every Java they run on.
   */
  static volatile boolean forceSelecting;

  private ChannelStreams() {}

  /**
   * The channel to read and write a Unix domain socket connection through: where the machine spins
   * ({@link SpinBudget#SPINNING}) and Java cannot ask the socket how many bytes wait ({@link
   * UnixAvailable}: Java 17), a {@link SelectingChannel}, whose reads poll by reading the socket
   * switched to non-blocking mode; else the socket itself, blocking, whose stream {@link #input}
   * polls where Java answers.
   *
   * @param socket a connected, blocking Unix domain socket channel
   * @return the channel to make the streams of; closing it closes the socket
   * @throws IOException when the socket cannot be switched to non-blocking mode
   */
  static ByteChannel unixConnection(SocketChannel socket) throws IOException {
    return selectsUnixSockets() ? SelectingChannel.of(socket, new SpinBudget()) : socket;
  }

  /** {@return whether {@link #unixConnection} chooses a {@link SelectingChannel}} */
  static boolean selectsUnixSockets() {
    return forceSelecting || SpinBudget.SPINNING && !UnixAvailable.ANSWERS;
  }

  /**
   * A stream reading from a blocking channel; closing it closes the channel.
   *
   * @param channel the channel
   * @return the stream
   */
  static InputStream input(ByteChannel channel) {
    return input(channel, channel);
  }

  /**
   * A stream reading from a channel that wraps another (a server's {@link ReadWatchdog} around the
   * socket it serves): reads go through {@code channel}, and whether bytes wait, for polling before
   * a read blocks, is asked of {@code underneath}, the socket itself. Closing it closes {@code
   * channel}.
   *
   * @param channel the channel read
   * @param underneath the channel {@code channel} reads from, or {@code channel} itself
   * @return the stream
   */
  static InputStream input(ByteChannel channel, ByteChannel underneath) {
    return new Input(Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(underneath, "underneath"));
  }

  /** {@return whether this Java can ask a Unix domain socket how many bytes wait} */
  static boolean unixSocketsAnswer() {
    return UnixAvailable.ANSWERS;
  }

  /** {@return whether a stream {@link #input} made polls for bytes before it blocks (itself, or its channel's reads)} */
  static boolean polls(InputStream in) {
    return in instanceof Input input && (input.polling || input.channel instanceof SelectingChannel);
  }

  /**
   * How to ask a socket channel whether bytes wait, so that a read can poll before it blocks
   * ({@link SpinBudget}): a TCP channel through its socket adaptor's stream; a Unix domain channel
   * through {@code Channels.newInputStream}, on Java versions whose stream answers that question
   * ({@link UnixAvailable}; elsewhere {@link #unixConnection} polls by reading); empty for other
   * channels and on a machine with one CPU.
   */
  private static Optional<SpinBudget.Readable> pollerOf(ByteChannel channel) {
    if (!SpinBudget.SPINNING || !(channel instanceof SocketChannel socket)) {
      return Optional.empty();
    }
    try {
      InputStream asker;
      if (socket.getLocalAddress() instanceof InetSocketAddress) {
        asker = socket.socket().getInputStream();
      } else if (UnixAvailable.ANSWERS) {
        asker = Channels.newInputStream(socket);
      } else {
        return Optional.empty();
      }
      return Optional.of(() -> asker.available() > 0);
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether this Java's {@code Channels.newInputStream} of a Unix domain socket channel tells how many
   * bytes wait (Java 17's answers 0 whatever waits; later ones ask the socket), found once by a byte
   * sent over a socket pair in a temporary directory.
   */
  private static final class UnixAvailable {
    static final boolean ANSWERS = probe();

    private UnixAvailable() {}

    private static boolean probe() {
      Path directory = null;
      try {
        directory = Files.createTempDirectory("arrowrpc-probe");
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(directory.resolve("s"));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(address);
            SocketChannel client = SocketChannel.open(address);
            SocketChannel accepted = server.accept()) {
          client.write(ByteBuffer.wrap(new byte[] {1}));
          InputStream in = Channels.newInputStream(accepted);
          for (int i = 0; i < 100; i++) {
            if (in.available() > 0) {
              return true;
            }
            Thread.sleep(1);
          }
          return false;
        }
      } catch (IOException | RuntimeException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } finally {
        if (directory != null) {
          try {
            Files.deleteIfExists(directory.resolve("s"));
            Files.deleteIfExists(directory);
          } catch (IOException e) {
            // a temporary directory left behind; nothing else depends on it
          }
        }
      }
    }
  }

  /**
   * A stream writing to a blocking channel; closing it closes the channel.
   *
   * @param channel the channel
   * @return the stream
   */
  static OutputStream output(ByteChannel channel) {
    return new Output(Objects.requireNonNull(channel, "channel"));
  }

  /** Reads from a channel. */
  private static final class Input extends InputStream implements ReadableByteChannel {
    private final ByteChannel channel;
    /** Whether a stream read polls for bytes before it blocks (a TCP socket). */
    private final boolean polling;
    private final SpinBudget.Readable readable;
    private final SpinBudget spin = new SpinBudget();

    Input(ByteChannel channel, ByteChannel underneath) {
      this.channel = channel;
      Optional<SpinBudget.Readable> poller = pollerOf(underneath);
      this.polling = poller.isPresent();
      this.readable = poller.orElse(() -> true);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      ByteBuffer target = ByteBuffer.wrap(b, off, Math.min(len, ChunkedInputStream.CHUNK));
      long start = polling ? spin.beforeRead(readable) : SpinBudget.NO_WAIT;
      int n;
      do {
        n = channel.read(target);
      } while (n == 0);
      spin.afterRead(start);
      return n;
    }

    /** Reads straight from the channel: direct buffers (batch bodies) reach the socket as they are. */
    @Override
    public int read(ByteBuffer target) throws IOException {
      if (!target.hasRemaining()) {
        return 0;
      }
      int n;
      do {
        n = channel.read(target);
      } while (n == 0);
      return n;
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** Writes to a channel. */
  private static final class Output extends OutputStream implements WritableByteChannel {
    private final ByteChannel channel;

    Output(ByteChannel channel) {
      this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      while (len > 0) {
        int piece = Math.min(len, ChunkedInputStream.CHUNK);
        ByteBuffer source = ByteBuffer.wrap(b, off, piece);
        while (source.hasRemaining()) {
          channel.write(source);
        }
        off += piece;
        len -= piece;
      }
    }

    /** Writes the whole buffer straight to the channel. */
    @Override
    public int write(ByteBuffer source) throws IOException {
      int length = source.remaining();
      while (source.hasRemaining()) {
        channel.write(source);
      }
      return length;
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
