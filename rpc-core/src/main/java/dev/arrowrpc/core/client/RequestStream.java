package dev.arrowrpc.core.client;

import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MarshalException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.Keys;
import dev.arrowrpc.core.wire.LogBatches;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of a stream over a request/response transport. The {@code /init} response (and
 * each producer continuation) may carry several data batches, queued here, and ends with a
 * zero-row sentinel holding the cursor token ({@link Keys#STREAM_STATE}), plus the call token
 * ({@link Keys#CALL_STATE}) at init; no sentinel means the producer finished. An exchange turn's
 * answer carries the refreshed cursor on its data batch. Every later request echoes the cursor and
 * the unchanged call token; token keys never reach the application's metadata.
 *
 * <p>An error the server reports during init of a stream without header is raised on the first
 * use of the stream, as over a byte channel.
 *
 * @param <T> what one data batch decodes to
 */
abstract class RequestStream<T> {
  private static final Logger LOG = LoggerFactory.getLogger(RequestStream.class);

  protected final RequestCalls calls;
  protected final MethodSpec spec;
  private final BufferAllocator memory;
  private final Record header;
  private final String exchangeRoute;
  private final Deque<T> pending = new ArrayDeque<>();
  private String cursor;
  private String callToken;
  private RpcException deferred;
  private boolean ended;

  RequestStream(RequestCalls calls, ProtocolId protocol, MethodSpec spec, BufferAllocator memory,
      Record header) {
    this.calls = calls;
    this.exchangeRoute = protocol.name() + "/" + spec.name() + "/exchange";
    this.spec = spec;
    this.memory = memory;
    this.header = header;
  }

  /**
   * Decodes one data batch.
   *
   * @param reader the response, positioned on the batch
   * @param metadata the batch's metadata without the token keys
   * @return the item
   */
  protected abstract T decode(IpcStreamReader reader, Map<String, String> metadata);

  /** Releases an item that was never handed out. */
  protected void discard(T item) {}

  /** Called once when the stream ends, to release what the subclass holds. */
  protected void onEnd() {}

  /** The memory of this stream's batches. */
  protected final BufferAllocator memory() {
    return memory;
  }

  /** Whether the stream is over for the client (finished, closed, cancelled or failed). */
  protected final boolean ended() {
    return ended;
  }

  final <H extends Record> H headerOf(Class<H> type) {
    if (header == null) {
      throw new IllegalStateException(spec.name() + " declares no stream header");
    }
    return type.cast(header);
  }

  /** Reads the output stream of the {@code /init} response. */
  final void start(InputStream in) throws IOException {
    readProduced(in);
  }

  /**
   * The next produced item: a queued one, else the next producer turn's.
   *
   * @return the item, or null when the stream is over
   */
  protected final T nextProduced() {
    while (true) {
      if (ended) {
        return null;
      }
      if (!pending.isEmpty()) {
        return pending.poll();
      }
      raiseDeferred();
      if (cursor == null) {
        end();
        return null;
      }
      try (RequestTransport.Response response =
          calls.post(exchangeRoute, tokenRequest(false))) {
        readProduced(response.body());
      } catch (IOException e) {
        end();
        throw calls.transportFailure("stream " + spec.name(), e);
      } catch (RuntimeException e) {
        end();
        throw e;
      }
    }
  }

  /**
   * Runs one exchange turn: sends the input batch with the tokens and reads the answer.
   *
   * @param schema the input batch's schema
   * @param input the input batch (left open)
   * @return the answer
   */
  protected final T exchangeTurn(Schema schema, Batch input) {
    if (ended) {
      throw new RpcException("ProtocolError", "Stream has been closed or cancelled");
    }
    raiseDeferred();
    if (cursor == null) {
      throw new RpcException("ProtocolError", "Stream has finished: no state token available");
    }
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      try (IpcStreamWriter writer = IpcStreamWriter.start(body, schema)) {
        writer.write(input, tokens(false));
      }
      try (RequestTransport.Response response = calls.post(exchangeRoute, body.toByteArray())) {
        return readExchanged(response.body());
      }
    } catch (IOException e) {
      end();
      throw calls.transportFailure("stream " + spec.name(), e);
    } catch (RuntimeException e) {
      end();
      throw e;
    }
  }

  /** Cancels: tells the server (which calls the state's cancel hook), then ends. Idempotent. */
  final void cancelStream() {
    if (ended) {
      return;
    }
    if (cursor != null && deferred == null) {
      try (RequestTransport.Response response =
          calls.post(exchangeRoute, tokenRequest(true))) {
        drain(response.body());
      } catch (IOException | RuntimeException e) {
        LOG.debug("cancel of {} failed", spec.name(), e);
      }
    }
    end();
  }

  /** Ends the stream on the client; the server holds nothing to release. Idempotent. */
  final void end() {
    if (ended) {
      return;
    }
    ended = true;
    cursor = null;
    deferred = null;
    while (!pending.isEmpty()) {
      discard(pending.poll());
    }
    try {
      onEnd();
    } finally {
      ChannelCalls.closeQuietly(memory, spec.name());
    }
  }

  /** Ends the stream after a failure while it was being opened. */
  final void abandon() {
    end();
  }

  private void raiseDeferred() {
    if (deferred != null) {
      RpcException error = deferred;
      end();
      throw error;
    }
  }

  /** Reads a producer response: data batches are queued, the sentinel's tokens kept. */
  private void readProduced(InputStream in) throws IOException {
    String nextCursor = null;
    RpcException error = null;
    try (IpcStreamReader reader = open(in)) {
      while (reader.next()) {
        Map<String, String> metadata = reader.metadata();
        int rows = reader.root().getRowCount();
        if (rows == 0 && metadata.containsKey(Keys.STREAM_STATE)) {
          nextCursor = metadata.get(Keys.STREAM_STATE);
          callToken = metadata.getOrDefault(Keys.CALL_STATE, callToken);
          continue;
        }
        LogBatches.Kind kind = LogBatches.classify(rows, metadata);
        if (kind instanceof LogBatches.Log log) {
          calls.deliver(log.message());
        } else if (kind instanceof LogBatches.Error e) {
          error = error == null ? e.error() : error;
        } else if (error == null) {
          try (ClientPointers.Resolved data = calls.pointers().open(reader, memory, calls::deliver)) {
            pending.add(decode(data.reader(), withoutTokens(data.reader().metadata())));
          } catch (RpcException e) {
            error = e;
          } catch (RuntimeException e) {
            error = decodeFailure(e);
          }
        }
      }
      requireEnd(reader, error);
    }
    cursor = error == null ? nextCursor : null;
    deferred = error;
  }

  /** Reads an exchange answer: the first data batch, whose metadata carries the refreshed cursor. */
  private T readExchanged(InputStream in) throws IOException {
    T item = null;
    boolean seen = false;
    RpcException error = null;
    try (IpcStreamReader reader = open(in)) {
      while (reader.next()) {
        Map<String, String> metadata = reader.metadata();
        int rows = reader.root().getRowCount();
        LogBatches.Kind kind = LogBatches.classify(rows, metadata);
        if (kind instanceof LogBatches.Log log) {
          calls.deliver(log.message());
        } else if (kind instanceof LogBatches.Error e) {
          error = error == null ? e.error() : error;
        } else if (!seen) {
          seen = true;
          try (ClientPointers.Resolved data = calls.pointers().open(reader, memory, calls::deliver)) {
            // a resolved batch's metadata is the fetched batch's: the cursor rides inside the object
            Map<String, String> resolved = data.reader().metadata();
            if (resolved.containsKey(Keys.STREAM_STATE)) {
              cursor = resolved.get(Keys.STREAM_STATE);
            }
            item = decode(data.reader(), withoutTokens(resolved));
          } catch (RpcException e) {
            error = error == null ? e : error;
          } catch (RuntimeException e) {
            error = error == null ? decodeFailure(e) : error;
          }
        } else if (rows == 0 && metadata.containsKey(Keys.STREAM_STATE)) {
          cursor = metadata.get(Keys.STREAM_STATE);
        }
      }
      requireEnd(reader, error);
    }
    if (error != null) {
      if (item != null) {
        discard(item);
      }
      end();
      throw error;
    }
    if (!seen) {
      end();
      throw new RpcException("ProtocolError", "the server ended the stream");
    }
    return item;
  }

  private void drain(InputStream in) throws IOException {
    try (IpcStreamReader reader = open(in)) {
      while (reader.next()) {
        if (LogBatches.classify(reader.root().getRowCount(), reader.metadata()) instanceof LogBatches.Log log) {
          calls.deliver(log.message());
        }
      }
    }
  }

  /**
   * A response whose Arrow stream stops without the end-of-stream marker was cut short (the server
   * died mid-answer): a transport failure, never a stream that quietly ends early. A server error
   * already read is the answer instead.
   */
  private void requireEnd(IpcStreamReader reader, RpcException error) throws IOException {
    if (error == null && !reader.ended()) {
      throw new EOFException("the response of " + spec.name() + " ended before the end of its Arrow stream");
    }
  }

  private IpcStreamReader open(InputStream in) throws IOException {
    return IpcStreamReader.open(in, memory)
        .orElseThrow(() -> new EOFException("the response of " + spec.name() + " holds no Arrow stream"));
  }

  /** A zero-row batch on the empty schema carrying the tokens: a producer tick, or a cancel. */
  private byte[] tokenRequest(boolean cancel) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (VectorSchemaRoot empty = VectorSchemaRoot.create(MethodSpec.EMPTY_SCHEMA, memory);
        IpcStreamWriter writer = IpcStreamWriter.start(body, MethodSpec.EMPTY_SCHEMA)) {
      writer.write(empty, tokens(cancel));
    }
    return body.toByteArray();
  }

  private Map<String, String> tokens(boolean cancel) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(Keys.STREAM_STATE, cursor);
    if (cancel) {
      metadata.put(Keys.CANCEL, "1");
    }
    if (callToken != null) {
      metadata.put(Keys.CALL_STATE, callToken);
    }
    return metadata;
  }

  private static Map<String, String> withoutTokens(Map<String, String> metadata) {
    if (!metadata.containsKey(Keys.STREAM_STATE) && !metadata.containsKey(Keys.CALL_STATE)) {
      return metadata;
    }
    Map<String, String> stripped = new LinkedHashMap<>(metadata);
    stripped.remove(Keys.STREAM_STATE);
    stripped.remove(Keys.CALL_STATE);
    return Map.copyOf(stripped);
  }

  private static RpcException decodeFailure(RuntimeException e) {
    if (e instanceof RpcException rpc) {
      return rpc;
    }
    return new RpcException("TypeError", "cannot decode the stream's output: "
        + (e instanceof MarshalException ? e.getMessage() : e.toString()));
  }
}
