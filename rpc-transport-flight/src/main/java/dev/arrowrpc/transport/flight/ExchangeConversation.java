package dev.arrowrpc.transport.flight;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.OutboundStreamListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The "conversation" mapping of a vgi-rpc byte conversation onto one DoExchange (see {@code
 * DESIGN-exchange.md}): each direction's bytes travel in order as the {@code app_metadata} of
 * data-less FlightData messages, one message per flush. Shared by the server ({@link ExchangeCalls})
 * and the client ({@link FlightTransport}).
 */
final class ExchangeConversation {
  /** The command of the descriptor that opens a conversation. */
  static final String COMMAND = "arrowrpc.exchange.v1";

  /** The largest app_metadata chunk sent at once. */
  static final int CHUNK = 1 << 20;

  private static final byte[] COMMAND_BYTES = COMMAND.getBytes(StandardCharsets.US_ASCII);

  private ExchangeConversation() {}

  /** {@return the descriptor a client opens a conversation with} */
  static FlightDescriptor descriptor() {
    return FlightDescriptor.command(COMMAND_BYTES.clone());
  }

  /** {@return whether a DoExchange's descriptor asks for this mapping} */
  static boolean isConversation(FlightDescriptor descriptor) {
    return descriptor != null && descriptor.isCommand() && Arrays.equals(descriptor.getCommand(), COMMAND_BYTES);
  }

  /**
   * The bytes a peer sent: the app_metadata of the FlightData read, in order. A FlightData with
   * Arrow data in it is a protocol error; a failed or cancelled Flight stream reads as an {@link
   * IOException}; the peer's half-close reads as end of stream.
   */
  static final class Input extends InputStream {
    private final FlightStream reader;
    private ArrowBuf current;
    private long position;
    private boolean ended;

    Input(FlightStream reader) {
      this.reader = reader;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (current == null || position >= current.readableBytes()) {
        if (!advance()) {
          return -1;
        }
      }
      int n = (int) Math.min(len, current.readableBytes() - position);
      current.getBytes(current.readerIndex() + position, b, off, n);
      position += n;
      return n;
    }

    @Override
    public int available() {
      return current == null ? 0 : (int) Math.min(Integer.MAX_VALUE, current.readableBytes() - position);
    }

    /** Moves to the next FlightData; false at the end of the peer's stream. */
    private boolean advance() throws IOException {
      if (ended) {
        return false;
      }
      current = null;
      position = 0;
      boolean more;
      try {
        more = reader.next();
      } catch (FlightRuntimeException e) {
        ended = true;
        throw new IOException("Flight stream failed: " + e.status().code() + " "
            + Optional.ofNullable(e.status().description()).orElse(""), e);
      }
      if (!more) {
        ended = true;
        return false;
      }
      if (reader.hasRoot() && reader.getRoot().getRowCount() > 0) {
        throw new IOException("a FlightData with Arrow data arrived on a " + COMMAND
            + " exchange, which carries its bytes in app_metadata");
      }
      // the buffer belongs to the reader until its next next()
      current = reader.getLatestMetadata();
      return true;
    }
  }

  /**
   * The bytes sent to the peer: buffered, and sent as the app_metadata of one data-less FlightData
   * per flush (or per {@link #CHUNK}).
   */
  static final class Output extends OutputStream {
    private final BufferAllocator allocator;
    private final Consumer<ArrowBuf> send;
    private byte[] pending = new byte[8192];
    private int size;

    /**
     * @param allocator where the app_metadata buffers are allocated
     * @param send sends one buffer, taking ownership ({@link OutboundStreamListener#putMetadata})
     */
    Output(BufferAllocator allocator, Consumer<ArrowBuf> send) {
      this.allocator = allocator;
      this.send = send;
    }

    static Output to(OutboundStreamListener listener, BufferAllocator allocator) {
      return new Output(allocator, listener::putMetadata);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (size == CHUNK) {
          flush();
        }
        int n = Math.min(len, CHUNK - size);
        if (size + n > pending.length) {
          pending = Arrays.copyOf(pending, Math.min(CHUNK, Math.max(pending.length * 2, size + n)));
        }
        System.arraycopy(b, off, pending, size, n);
        size += n;
        off += n;
        len -= n;
      }
    }

    /** {@return whether bytes wait to be sent} */
    boolean hasPending() {
      return size > 0;
    }

    @Override
    public void flush() throws IOException {
      if (size == 0) {
        return;
      }
      ArrowBuf buf = allocator.buffer(size);
      try {
        buf.setBytes(0, pending, 0, size);
        buf.writerIndex(size);
      } catch (RuntimeException e) {
        buf.close();
        throw e;
      }
      size = 0;
      try {
        send.accept(buf);
      } catch (FlightRuntimeException e) {
        throw new IOException("Flight stream failed: " + e.status().code() + " "
            + Optional.ofNullable(e.status().description()).orElse(""), e);
      }
    }
  }
}
