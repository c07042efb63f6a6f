package dev.arrowrpc.core.client;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ReadContext;
import dev.arrowrpc.core.schema.RecordSchema;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.Keys;
import dev.arrowrpc.core.wire.LogBatches;
import dev.arrowrpc.core.wire.WireFormatException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of a lockstep stream: one long-lived input stream written by the client, one
 * output stream read from the server, one output batch per input batch. Ends when the server ends
 * its output (producer finished), when the client closes or cancels, or on an error.
 */
abstract class ClientStream {
  private static final Logger LOG = LoggerFactory.getLogger(ClientStream.class);

  protected final ClientSession session;
  protected final MethodSpec spec;
  private final BufferAllocator memory;
  private final Record header;
  private IpcStreamWriter input;
  private IpcStreamReader output;
  /** The batch the last turn's pointer resolved to, if it was one. */
  private ClientPointers.Resolved resolved;
  private boolean ended;
  private boolean released;

  ClientStream(ClientSession session, MethodSpec spec, BufferAllocator memory, Record header) {
    this.session = session;
    this.spec = spec;
    this.memory = memory;
    this.header = header;
  }

  /** The memory of this stream's batches. */
  protected BufferAllocator memory() {
    return memory;
  }

  <H extends Record> H header(Class<H> type) {
    if (header == null) {
      throw new IllegalStateException(spec.name() + " declares no stream header");
    }
    return type.cast(header);
  }

  /** Whether the stream is over (finished, closed, cancelled or failed). */
  boolean ended() {
    return ended;
  }

  /**
   * Sends one input batch and reads the answering output batch.
   *
   * @param batch the input batch (closed by the caller)
   * @param inputSchema the input stream's schema
   * @param decoder turns the output batch into the turn's value
   * @return the decoded output, or null when the server ended the stream
   */
  protected <R> R turn(Batch batch, Schema inputSchema, java.util.function.Function<IpcStreamReader, R> decoder) {
    if (ended) {
      throw new RpcException("ProtocolError", "Stream has been closed or cancelled");
    }
    try {
      if (input == null) {
        input = IpcStreamWriter.start(session.out(), inputSchema);
      }
      input.write(batch, Map.of());
    } catch (IOException e) {
      fail();
      throw session.transportFailure("stream " + spec.name() + " (write)", e);
    }
    try {
      if (output == null) {
        output = IpcStreamReader.open(session.in(), memory)
            .orElseThrow(() -> new java.io.EOFException("the server closed the connection"));
      }
      while (output.next()) {
        LogBatches.Kind kind = LogBatches.classify(output.root().getRowCount(), output.metadata());
        if (kind instanceof LogBatches.Log log) {
          session.deliver(log.message());
        } else if (kind instanceof LogBatches.Error error) {
          finishAfterError();
          throw error.error();
        } else {
          // a resolved batch stays readable until the next turn, as the output reader's own does
          releaseResolved();
          resolved = session.pointers().open(output, memory, session::deliver);
          return decoder.apply(resolved.reader());
        }
      }
      if (!output.ended()) {
        // the input ended without the end-of-stream marker: the server went away mid-stream
        throw new java.io.EOFException("the server closed the connection before the end of the stream");
      }
      // the server ended its output: close our input and release the channel
      endInput();
      release();
      return null;
    } catch (IOException e) {
      fail();
      throw session.transportFailure("stream " + spec.name() + " (read)", e);
    }
  }

  /** Decodes typed rows of the method's output record. */
  protected List<Object> decodeRows(IpcStreamReader reader) {
    RecordSchema rows = spec.output().orElseThrow();
    return rows.decode(reader.root(), new ReadContext(reader, session.allocator()));
  }

  /** After an error batch: end our input, read the output to its end, release. */
  private void finishAfterError() throws IOException {
    output.drain();
    endInput();
    release();
  }

  private void endInput() throws IOException {
    if (input == null) {
      input = IpcStreamWriter.start(session.out(), MethodSpec.EMPTY_SCHEMA);
    }
    input.end();
  }

  /** Cancels: sends the cancel marker, ends input, drains the output. Idempotent. */
  void cancel() {
    if (ended) {
      return;
    }
    try {
      Schema schema = input == null ? MethodSpec.EMPTY_SCHEMA : input.schema();
      if (input == null) {
        input = IpcStreamWriter.start(session.out(), schema);
      }
      try (VectorSchemaRoot empty = emptyRoot(schema)) {
        input.write(empty, Map.of(Keys.CANCEL, "1"));
      }
      input.end();
      drainOutput();
      release();
    } catch (IOException e) {
      fail();
      LOG.debug("cancel of {} failed", spec.name(), e);
    }
  }

  /** Closes without cancelling: ends input and drains the output. Idempotent. */
  void closeGracefully() {
    if (ended) {
      return;
    }
    try {
      endInput();
      drainOutput();
      release();
    } catch (IOException e) {
      fail();
      LOG.debug("close of {} failed", spec.name(), e);
    }
  }

  private VectorSchemaRoot emptyRoot(Schema schema) {
    VectorSchemaRoot root = dev.arrowrpc.core.schema.Vectors.createRoot(schema, memory);
    root.setRowCount(0);
    return root;
  }

  private void drainOutput() throws IOException {
    try {
      if (output == null) {
        var opened = IpcStreamReader.open(session.in(), memory);
        if (opened.isEmpty()) {
          return;
        }
        output = opened.get();
      }
      while (output.next()) {
        LogBatches.Kind kind = LogBatches.classify(output.root().getRowCount(), output.metadata());
        if (kind instanceof LogBatches.Log log) {
          session.deliver(log.message());
        }
      }
    } catch (WireFormatException e) {
      LOG.debug("output of {} ended badly", spec.name(), e);
    }
  }

  private void fail() {
    release();
  }

  private void releaseResolved() {
    if (resolved != null) {
      resolved.close();
      resolved = null;
    }
  }

  private void release() {
    releaseResolved();
    ended = true;
    if (released) {
      return;
    }
    released = true;
    if (output != null) {
      output.close();
    }
    try {
      memory.close();
    } catch (IllegalStateException leak) {
      LOG.error("Arrow memory leaked by stream {}: {}", spec.name(), leak.getMessage());
    }
    session.end(this);
  }
}
