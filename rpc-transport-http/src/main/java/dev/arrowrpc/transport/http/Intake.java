package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.wire.Json;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSourceChannel;

/**
 * What the server does with a request body on the connection's I/O thread, where nothing may
 * block: receive a small body whole without holding a worker thread (bounded by the body timeout),
 * or answer a refusal at once and drain what the client still sends, so that it reads the answer
 * rather than a reset. Every method here runs on the exchange's I/O thread.
 */
final class Intake {
  private static final Logger LOG = LoggerFactory.getLogger(Intake.class);

  private Intake() {}

  /**
   * Receives a body of known length asynchronously, then hands it on (the handler dispatches it to a
   * worker). A body not whole within the timeout is answered 408 and its connection closed; the
   * read timeout still closes a connection that sends nothing for that long.
   *
   * <p>The bytes are read from the request channel straight into one array of the declared length
   * ({@link Receipt}), not through Undertow's receiver, which copies each byte on its own into a
   * growing stream and then copies the whole again (13 ms of the I/O thread for 1 MiB).
   *
   * @param exchange the exchange, on its I/O thread
   * @param length the declared length, at most {@link RpcHttpHandler#IN_MEMORY_BODY}
   * @param timeout the body timeout ({@link Duration#ZERO}: none)
   * @param onBody called with the whole body, as a handler call (it may dispatch the exchange)
   * @param decorate sets the headers every response carries, before a 408
   */
  static void receive(HttpServerExchange exchange, int length, Duration timeout, Consumer<byte[]> onBody,
      Runnable decorate) {
    Receipt receipt = new Receipt(exchange, length, onBody);
    if (!timeout.isZero()) {
      receipt.timer = exchange.getIoThread().executeAfter(() -> {
        if (receipt.over) {
          return;
        }
        receipt.over = true;
        receipt.stop();
        decorate.run();
        exchange.setPersistent(false);
        answer(exchange, 408, Map.of("title", "Request Timeout", "description",
            "Request body did not arrive within the server's body_timeout of " + timeout.toMillis() + " ms"), true, false);
      }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    receipt.start();
  }

  /**
   * Reads a body of known length from the request channel into its array, on the I/O thread: as
   * much as is there at once, the rest as the channel says more has come. Ends once the channel
   * reports the body's end (after exactly the declared bytes: the channel is bounded by {@code
   * Content-Length}); a channel that ends or fails before that closes the connection.
   */
  static final class Receipt {
    /** The room a body starts with (it grows as it fills). */
    static final int FIRST_ROOM = 64 * 1024;

    private final HttpServerExchange exchange;
    /** The declared length: the array ends at exactly this size. */
    private final int length;
    /**
     * Where the bytes go: it starts at {@link #FIRST_ROOM} and doubles as it fills, up to the declared
     * length, so a client that declares 16 MiB and sends little holds at most 64 KiB or twice what it
     * sent, not what it declared; a body that arrives whole ends in an array of its exact length.
     */
    private ByteBuffer body;
    private final Consumer<byte[]> onBody;
    private StreamSourceChannel channel;
    boolean over;
    XnioExecutor.Key timer;

    Receipt(HttpServerExchange exchange, int length, Consumer<byte[]> onBody) {
      this.exchange = exchange;
      this.length = length;
      this.body = ByteBuffer.allocate(Math.min(length, FIRST_ROOM));
      this.onBody = onBody;
    }

    /** Reads what is there; called inside the handler, so a whole body is handed on within its call. */
    void start() {
      channel = exchange.getRequestChannel();
      if (channel == null) {
        fail(new IOException("the request body was already taken"));
        return;
      }
      if (read()) {
        finish(false);
        return;
      }
      if (!over) {
        channel.getReadSetter().set(c -> {
          if (read()) {
            finish(true);
          }
        });
        channel.resumeReads();
      }
    }

    /** Stops reading (the body is being answered otherwise). */
    void stop() {
      if (channel != null) {
        channel.suspendReads();
        channel.getReadSetter().set(null);
      }
    }

    /** Reads all that is there; true once the body has ended whole. */
    private boolean read() {
      if (over) {
        return false;
      }
      try {
        while (true) {
          if (!body.hasRemaining() && body.capacity() < length) {
            ByteBuffer larger = ByteBuffer.allocate((int) Math.min(length, 2L * body.capacity()));
            body.flip();
            larger.put(body);
            body = larger;
          }
          int n = channel.read(body);
          if (n < 0) {
            if (body.position() < length) {
              throw new IOException("the request body ended after " + body.position() + " of its "
                  + length + " bytes");
            }
            return true;
          }
          if (n == 0) {
            return false;
          }
        }
      } catch (IOException e) {
        fail(e);
        return false;
      }
    }

    /** Hands the body on, as a handler call when outside one (a listener), so that it may dispatch. */
    private void finish(boolean inListener) {
      over = true;
      if (timer != null) {
        timer.remove();
      }
      stop();
      byte[] bytes = body.array();
      if (inListener) {
        Connectors.executeRootHandler(ex -> onBody.accept(bytes), exchange);
      } else {
        onBody.accept(bytes);
      }
    }

    private void fail(IOException error) {
      if (over) {
        return;
      }
      over = true;
      if (timer != null) {
        timer.remove();
      }
      stop();
      // the connection failed or timed out under the body: nothing can be answered on it
      LOG.debug("request body could not be received: {}", error.toString());
      IoUtils.safeClose(exchange.getConnection());
      exchange.endExchange();
    }
  }

  /**
   * Sends a JSON answer without blocking.
   *
   * @param exchange the exchange, on its I/O thread
   * @param status the status code
   * @param body the JSON object
   * @param close whether to close the connection once it is sent
   * @param inHandler whether this runs inside the handler's call (the send then follows it)
   */
  static void answer(HttpServerExchange exchange, int status, Map<String, ?> body, boolean close,
      boolean inHandler) {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
    if (close) {
      exchange.setPersistent(false);
    }
    Runnable send = () -> exchange.getResponseSender().send(ByteBuffer.wrap(bytes), new IoCallback() {
      @Override
      public void onComplete(HttpServerExchange ex, Sender sender) {
        if (close) {
          IoUtils.safeClose(ex.getConnection());
        }
        ex.endExchange();
      }

      @Override
      public void onException(HttpServerExchange ex, Sender sender, IOException error) {
        LOG.debug("an answer could not be sent: {}", error.toString());
        IoUtils.safeClose(ex.getConnection());
        ex.endExchange();
      }
    });
    if (inHandler) {
      exchange.dispatch(SameThreadExecutor.INSTANCE, send);
    } else {
      send.run();
    }
  }

  /**
   * Answers a refused body at once (the connection is closed afterwards) and reads what the client
   * still sends, up to a number of bytes and a time, so that a client still sending sees the answer
   * rather than a reset.
   *
   * @param exchange the exchange, on its I/O thread, its body not read
   * @param body the JSON answer
   * @param bound the most bytes drained
   * @param time the longest the drain runs
   */
  static void refuseAndDrain(HttpServerExchange exchange, Map<String, ?> body, long bound, Duration time) {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    exchange.setStatusCode(413);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
    exchange.setPersistent(false);
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
      Drain drain = new Drain(exchange, bound);
      drain.timer = exchange.getIoThread().executeAfter(drain::abort, time.toMillis(), TimeUnit.MILLISECONDS);
      drain.start();
      exchange.getResponseSender().send(ByteBuffer.wrap(bytes), new IoCallback() {
        @Override
        public void onComplete(HttpServerExchange ex, Sender sender) {
          drain.sent = true;
          drain.finishIfDone();
        }

        @Override
        public void onException(HttpServerExchange ex, Sender sender, IOException error) {
          LOG.debug("a refusal could not be sent: {}", error.toString());
          drain.abort();
        }
      });
    });
  }

  /** Reads and discards a refused body; the connection closes when it ends and the answer is out. */
  private static final class Drain {
    private final HttpServerExchange exchange;
    private final ByteBuffer sink = ByteBuffer.allocate(16 * 1024);
    private long left;
    private boolean drained;
    private boolean ended;
    boolean sent;
    XnioExecutor.Key timer;

    Drain(HttpServerExchange exchange, long bound) {
      this.exchange = exchange;
      this.left = bound;
    }

    void start() {
      StreamSourceChannel channel = exchange.getRequestChannel();
      if (channel == null) {
        drained = true;
        return;
      }
      channel.getReadSetter().set(c -> read(c));
      read(channel);
      if (!drained) {
        channel.resumeReads();
      }
    }

    private void read(StreamSourceChannel channel) {
      try {
        while (!drained) {
          sink.clear();
          int n = channel.read(sink);
          if (n < 0) {
            drained = true;
          } else if (n == 0) {
            return;
          } else {
            left -= n;
            if (left <= 0) {
              // enough read: the connection closes once the answer is out (not before: the client must see it)
              channel.suspendReads();
              drained = true;
              finishIfDone();
              return;
            }
          }
        }
        channel.suspendReads();
        finishIfDone();
      } catch (IOException e) {
        LOG.debug("a refused request body could not be drained: {}", e.toString());
        abort();
      }
    }

    /** Gives up (the time is up, or the connection failed): ends the exchange whether or not the answer is out. */
    void abort() {
      drained = true;
      sent = true;
      finishIfDone();
    }

    void finishIfDone() {
      if (ended || !drained || !sent) {
        return;
      }
      ended = true;
      if (timer != null) {
        timer.remove();
      }
      IoUtils.safeClose(exchange.getConnection());
      exchange.endExchange();
    }
  }
}
