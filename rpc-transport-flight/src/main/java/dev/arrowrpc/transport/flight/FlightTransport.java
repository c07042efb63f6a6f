package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.ByteTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ByteTransport} over Arrow Flight: the client's vgi-rpc conversation travels on DoExchange
 * calls (the "conversation" mapping, {@link ExchangeConversation}), one DoExchange per vgi-rpc call.
 * A DoExchange opens at the first byte a call writes and is half-closed when the client says the call
 * ended ({@link #callEnded()}): the server then ends it, releasing what the call held on both sides.
 * Closing the transport mid-call cancels the gRPC call.
 *
 * <p>Like every byte channel, one call runs at a time (the client's carrier sees to it).
 */
final class FlightTransport implements ByteTransport {
  private static final Logger LOG = LoggerFactory.getLogger(FlightTransport.class);

  private final FlightClient client;
  private final BufferAllocator allocator;
  private final CallOption[] options;
  private final Runnable onClose;
  private final Writing output = new Writing();
  private final Reading input = new Reading();
  private Optional<Call> current = Optional.empty();
  private boolean closed;
  private long calls;

  /**
   * @param client the Flight client (closed with this transport)
   * @param allocator the Flight client's allocator (for app_metadata buffers)
   * @param options the call options of every DoExchange (headers, timeout)
   * @param onClose run last on close (closes what the builder made)
   */
  FlightTransport(FlightClient client, BufferAllocator allocator, CallOption[] options, Runnable onClose) {
    this.client = client;
    this.allocator = allocator;
    this.options = options.clone();
    this.onClose = onClose;
  }

  @Override
  public InputStream input() {
    return input;
  }

  @Override
  public OutputStream output() {
    return output;
  }

  /** {@return how many DoExchange calls this transport opened} */
  synchronized long exchangesOpened() {
    return calls;
  }

  @Override
  public String failureHint() {
    return "over Arrow Flight DoExchange";
  }

  /** {@return true: each call has a DoExchange of its own, so a failed one spares the next} */
  @Override
  public boolean callScoped() {
    return true;
  }

  @Override
  public void callEnded() {
    Optional<Call> ended;
    synchronized (this) {
      ended = current;
      current = Optional.empty();
    }
    ended.ifPresent(call -> call.finish(false));
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      current.ifPresent(call -> call.finish(true));
      current = Optional.empty();
      client.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while closing the Flight client", e);
    } finally {
      onClose.run();
    }
  }

  /** Starts a DoExchange for a new call, ending the previous one. */
  private synchronized Call begin() throws IOException {
    if (closed) {
      throw new IOException("the Flight transport is closed");
    }
    current.ifPresent(call -> call.finish(false));
    try {
      Call call = new Call(client.doExchange(ExchangeConversation.descriptor(), options));
      current = Optional.of(call);
      calls++;
      return call;
    } catch (FlightRuntimeException e) {
      current = Optional.empty();
      throw new IOException("cannot open a DoExchange: " + e.getMessage(), e);
    }
  }

  private synchronized Optional<Call> current() {
    return current;
  }

  /** One DoExchange: the conversation of one call. */
  private final class Call {
    private final FlightClient.ExchangeReaderWriter exchange;
    private final ExchangeConversation.Input in;
    private final ExchangeConversation.Output out;
    private boolean finished;

    Call(FlightClient.ExchangeReaderWriter exchange) {
      this.exchange = exchange;
      this.in = new ExchangeConversation.Input(exchange.getReader());
      this.out = ExchangeConversation.Output.to(exchange.getWriter(), allocator);
    }

    /** Ends the call: half-closes and drains it, or (when {@code cancel}) cancels it. */
    void finish(boolean cancel) {
      if (finished) {
        return;
      }
      finished = true;
      try {
        out.flush();
        exchange.getWriter().completed();
        if (cancel) {
          exchange.getReader().cancel("the client closed", null);
        } else {
          while (exchange.getReader().next()) {
            // the server's answers were all read by the call; nothing should remain
          }
        }
      } catch (IOException | RuntimeException e) {
        LOG.debug("ending a DoExchange failed", e);
      }
      try {
        exchange.close();
      } catch (Exception e) {
        LOG.debug("closing a DoExchange failed", e);
      }
    }
  }

  /** Reads the current call's answers. */
  private final class Reading extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Optional<Call> call = current();
      if (call.isEmpty()) {
        return -1;
      }
      return call.get().in.read(b, off, len);
    }
  }

  /** Writes the current call's requests, opening a DoExchange at the first write of a call. */
  private final class Writing extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return;
      }
      Optional<Call> call = current();
      (call.isPresent() ? call.get() : begin()).out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      Optional<Call> call = current();
      if (call.isPresent()) {
        call.get().out.flush();
      }
    }
  }
}
