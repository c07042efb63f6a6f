package dev.arrowrpc.core.client;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.wire.MarshalException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import dev.arrowrpc.core.wire.LogBatches;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The turns of a stream over a request/response transport. The opening answer (and each producer
 * continuation) may carry several data batches, queued here, and ends with a zero-row sentinel
 * holding the cursor token ({@link MetadataKeys#STREAM_STATE}), plus the call token ({@link
 * MetadataKeys#CALL_STATE}) at opening; no sentinel means the producer finished. An exchange turn's answer
 * carries the refreshed cursor on its data batch. Every later request echoes the cursor and the
 * unchanged call token; token keys never reach the application's metadata. The server holds nothing
 * between requests, so closing sends nothing; a cancel is a request of its own.
 *
 * <p>An error the server reports while opening a stream without header is raised on the first use
 * of the stream, as over a byte channel. Outputs are decoded when their answer is read (an answer
 * is gone once read), so they are never kept by the reader.
 *
 * @param <T> what one output batch decodes to
 */
final class RequestTurns<T> extends StreamTurns<T> {
  private static final Logger LOG = LoggerFactory.getLogger(RequestTurns.class);

  private final RequestCarrier carrier;
  private final ProtocolId protocol;
  private final Deque<T> pending = new ArrayDeque<>();
  private String cursor;
  private String callToken;
  private RpcException deferred;

  RequestTurns(RequestCarrier carrier, ProtocolId protocol, String name, BufferAllocator memory,
      Optional<Record> header, OutputDecoder<T> decoder) {
    super(name, memory, header, decoder, carrier.answers());
    this.carrier = carrier;
    this.protocol = protocol;
  }

  /** Reads the rest of the opening answer. */
  void start(InputStream in) throws IOException {
    readProduced(in);
  }

  /** The next produced output: a queued one, else the next producer turn's. */
  @Override
  public Optional<T> tick(Map<String, String> metadata) {
    releaseHanded();
    while (true) {
      if (ended()) {
        return Optional.empty();
      }
      if (!pending.isEmpty()) {
        return Optional.of(hand(pending.poll()));
      }
      raiseDeferred();
      if (cursor == null) {
        end();
        return Optional.empty();
      }
      send(() -> tokenRequest(false, metadata), in -> {
        readProduced(in);
        return null;
      });
    }
  }

  /** Runs one exchange turn: sends the input batch with the tokens and reads the answer. */
  @Override
  public Optional<T> exchange(Schema schema, Batch input, Map<String, String> metadata) {
    if (ended()) {
      throw new RpcException("ProtocolError", "Stream has been closed or cancelled");
    }
    releaseHanded();
    raiseDeferred();
    if (cursor == null) {
      throw new RpcException("ProtocolError", "Stream has finished: no state token available");
    }
    return send(() -> {
      RequestBytes body = new RequestBytes();
      try (IpcStreamWriter writer = IpcStreamWriter.start(body, schema)) {
        writer.write(input, tokens(false, metadata));
      }
      return body.toByteArray();
    }, this::readExchanged);
  }

  /** A step that may fail on the transport. */
  @FunctionalInterface
  private interface Io<A, R> {
    R apply(A argument) throws IOException;
  }

  /** A request body, written when it is sent. */
  @FunctionalInterface
  private interface Body {
    byte[] write() throws IOException;
  }

  /**
   * Sends one turn and reads its answer; any failure ends the stream (an I/O one raised as a
   * {@code TransportError}).
   */
  private <R> R send(Body body, Io<InputStream, R> read) {
    try (InputStream in = carrier.turn(protocol, name, body.write())) {
      return read.apply(in);
    } catch (IOException e) {
      end();
      throw carrier.transportFailure("stream " + name, e);
    } catch (RuntimeException e) {
      end();
      throw e;
    }
  }

  /** Tells the server (which calls the state's cancel hook), then ends. */
  @Override
  public void cancel() {
    if (ended()) {
      return;
    }
    if (cursor != null && deferred == null) {
      try (InputStream in = carrier.turn(protocol, name, tokenRequest(true, Map.of()))) {
        drain(in);
      } catch (IOException | RuntimeException e) {
        LOG.debug("cancel of {} failed", name, e);
      }
    }
    end();
  }

  @Override
  public void close() {
    end();
  }

  @Override
  public Optional<String> resumeToken() {
    return Optional.ofNullable(cursor);
  }

  @Override
  protected void onEnd() {
    cursor = null;
    deferred = null;
    while (!pending.isEmpty()) {
      decoder.release(pending.poll());
    }
  }

  private void raiseDeferred() {
    if (deferred != null) {
      RpcException error = deferred;
      end();
      throw error;
    }
  }

  /** Reads a producer answer: data batches are queued, the sentinel's tokens kept. */
  private void readProduced(InputStream in) throws IOException {
    String nextCursor = null;
    RpcException error = null;
    try (IpcStreamReader reader = open(in)) {
      while (reader.next()) {
        Map<String, String> metadata = reader.metadata();
        int rows = reader.root().getRowCount();
        if (rows == 0 && metadata.containsKey(MetadataKeys.STREAM_STATE)) {
          nextCursor = metadata.get(MetadataKeys.STREAM_STATE);
          callToken = metadata.getOrDefault(MetadataKeys.CALL_STATE, callToken);
          continue;
        }
        LogBatches.Kind kind = LogBatches.classify(rows, metadata);
        if (kind instanceof LogBatches.Log log) {
          answers.deliver(log.message());
        } else if (kind instanceof LogBatches.Error e) {
          error = error == null ? e.error() : error;
        } else if (error == null) {
          try (ClientPointers.Resolved data = answers.resolve(reader, memory())) {
            pending.add(decoder.decode(data.reader(), MetadataKeys.withoutTokens(data.reader().metadata()), false));
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
  private Optional<T> readExchanged(InputStream in) throws IOException {
    T item = null;
    boolean seen = false;
    RpcException error = null;
    try (IpcStreamReader reader = open(in)) {
      while (reader.next()) {
        Map<String, String> metadata = reader.metadata();
        int rows = reader.root().getRowCount();
        LogBatches.Kind kind = LogBatches.classify(rows, metadata);
        if (kind instanceof LogBatches.Log log) {
          answers.deliver(log.message());
        } else if (kind instanceof LogBatches.Error e) {
          error = error == null ? e.error() : error;
        } else if (!seen) {
          seen = true;
          try (ClientPointers.Resolved data = answers.resolve(reader, memory())) {
            // a resolved batch's metadata is the fetched batch's: the cursor rides inside the object
            Map<String, String> resolved = data.reader().metadata();
            if (resolved.containsKey(MetadataKeys.STREAM_STATE)) {
              cursor = resolved.get(MetadataKeys.STREAM_STATE);
            }
            item = decoder.decode(data.reader(), MetadataKeys.withoutTokens(resolved), false);
          } catch (RpcException e) {
            error = error == null ? e : error;
          } catch (RuntimeException e) {
            error = error == null ? decodeFailure(e) : error;
          }
        } else if (rows == 0 && metadata.containsKey(MetadataKeys.STREAM_STATE)) {
          cursor = metadata.get(MetadataKeys.STREAM_STATE);
        }
      }
      requireEnd(reader, error);
    }
    if (error != null) {
      if (item != null) {
        decoder.release(item);
      }
      end();
      throw error;
    }
    if (!seen) {
      end();
      return Optional.empty();
    }
    return Optional.of(hand(item));
  }

  private void drain(InputStream in) throws IOException {
    try (IpcStreamReader reader = open(in)) {
      while (reader.next()) {
        if (LogBatches.classify(reader.root().getRowCount(), reader.metadata()) instanceof LogBatches.Log log) {
          answers.deliver(log.message());
        }
      }
    }
  }

  /**
   * An answer whose Arrow stream stops without the end-of-stream marker was cut short (the server
   * died mid-answer): a transport failure, never a stream that quietly ends early. A server error
   * already read is the answer instead.
   */
  private void requireEnd(IpcStreamReader reader, RpcException error) throws IOException {
    if (error == null && !reader.ended()) {
      throw new EOFException("the response of " + name + " ended before the end of its Arrow stream");
    }
  }

  private IpcStreamReader open(InputStream in) throws IOException {
    return IpcStreamReader.open(in, memory())
        .orElseThrow(() -> new EOFException("the response of " + name + " holds no Arrow stream"));
  }

  /** A zero-row batch on the empty schema carrying the tokens: a producer tick, or a cancel. */
  private byte[] tokenRequest(boolean cancel, Map<String, String> extra) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (VectorSchemaRoot empty = VectorSchemaRoot.create(MethodSpec.EMPTY_SCHEMA, memory());
        IpcStreamWriter writer = IpcStreamWriter.start(body, MethodSpec.EMPTY_SCHEMA)) {
      writer.write(empty, tokens(cancel, extra));
    }
    return body.toByteArray();
  }

  /** The tokens, after the batch's own metadata (which never overrides them). */
  private Map<String, String> tokens(boolean cancel, Map<String, String> extra) {
    return MetadataKeys.withTokens(extra, cursor, Optional.ofNullable(callToken), cancel);
  }

  private static RpcException decodeFailure(RuntimeException e) {
    if (e instanceof RpcException rpc) {
      return rpc;
    }
    return new RpcException("TypeError", "cannot decode the stream's output: "
        + (e instanceof MarshalException ? e.getMessage() : e.toString()));
  }
}
