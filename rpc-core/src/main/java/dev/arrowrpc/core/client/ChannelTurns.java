package dev.arrowrpc.core.client;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.Vectors;
import dev.arrowrpc.core.shm.ShmBatches;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import dev.arrowrpc.core.wire.LogBatches;
import dev.arrowrpc.core.wire.WireFormatException;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The turns of a stream over a byte channel, in lockstep: one long-lived input stream written by
 * the client, one output stream read from the server, one output batch per input batch (a tick is
 * a zero-row batch on the empty schema). Ends when the server ends its output (producer finished),
 * when the client closes (input ended, output drained) or cancels (the cancel marker first), or on
 * an error. An output is the reader's own batch, kept until the next turn.
 *
 * @param <T> what one output batch decodes to
 */
final class ChannelTurns<T> extends StreamTurns<T> {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelTurns.class);

  private final ChannelCarrier channel;
  private IpcStreamWriter input;
  private IpcStreamReader output;
  /** The batch the last turn's pointer resolved to, if it was one. */
  private ClientPointers.Resolved resolved;

  ChannelTurns(ChannelCarrier channel, String name, BufferAllocator memory, Optional<Record> header,
      OutputDecoder<T> decoder) {
    super(name, memory, header, decoder, channel.answers());
    this.channel = channel;
  }

  @Override
  public Optional<T> tick(Map<String, String> metadata) {
    if (ended()) {
      return Optional.empty();
    }
    try (VectorSchemaRoot tick = VectorSchemaRoot.create(MethodSpec.EMPTY_SCHEMA, memory())) {
      return turn(Batch.of(tick), MethodSpec.EMPTY_SCHEMA, metadata);
    }
  }

  @Override
  public Optional<T> exchange(Schema schema, Batch input, Map<String, String> metadata) {
    return turn(input, schema, metadata);
  }

  /** Sends one input batch and reads the answering output batch; empty when the server ended. */
  private Optional<T> turn(Batch batch, Schema inputSchema, Map<String, String> metadata) {
    if (ended()) {
      throw new RpcException("ProtocolError", "Stream has been closed or cancelled");
    }
    releaseHanded();
    try {
      if (input == null) {
        input = IpcStreamWriter.start(channel.out(), inputSchema);
      }
      ShmBatches.writeOrInline(input, answers.pointers().segment(), batch, metadata, memory());
    } catch (IOException e) {
      end();
      throw channel.transportFailure("stream " + name + " (write)", e);
    }
    try {
      if (output == null) {
        output = IpcStreamReader.open(channel.in(), memory())
            .orElseThrow(() -> new EOFException("the server closed the connection"));
      }
      while (output.next()) {
        LogBatches.Kind kind = LogBatches.classify(output.root().getRowCount(), output.metadata());
        if (kind instanceof LogBatches.Log log) {
          answers.deliver(log.message());
        } else if (kind instanceof LogBatches.Error error) {
          output.drain();
          endInput();
          end();
          throw error.error();
        } else {
          // a resolved batch stays readable until the next turn, as the output reader's own does
          releaseResolved();
          resolved = answers.resolve(output, memory());
          IpcStreamReader data = resolved.reader();
          return Optional.of(hand(decoder.decode(data, data.metadata(), true)));
        }
      }
      if (!output.ended()) {
        // the input ended without the end-of-stream marker: the server went away mid-stream
        throw new EOFException("the server closed the connection before the end of the stream");
      }
      // the server ended its output: close our input and release the channel
      endInput();
      end();
      return Optional.empty();
    } catch (IOException e) {
      end();
      throw channel.transportFailure("stream " + name + " (read)", e);
    }
  }

  private void endInput() throws IOException {
    if (input == null) {
      input = IpcStreamWriter.start(channel.out(), MethodSpec.EMPTY_SCHEMA);
    }
    input.end();
  }

  /** Sends the cancel marker, ends input, drains the output. */
  @Override
  public void cancel() {
    if (ended()) {
      return;
    }
    try {
      Schema schema = input == null ? MethodSpec.EMPTY_SCHEMA : input.schema();
      if (input == null) {
        input = IpcStreamWriter.start(channel.out(), schema);
      }
      try (VectorSchemaRoot empty = Vectors.createRoot(schema, memory())) {
        empty.setRowCount(0);
        input.write(empty, Map.of(MetadataKeys.CANCEL, "1"));
      }
      input.end();
      drainOutput();
    } catch (IOException e) {
      LOG.debug("cancel of {} failed", name, e);
    } finally {
      end();
    }
  }

  /** Ends input and drains the output, as the reference client closes a stream. */
  @Override
  public void close() {
    if (ended()) {
      return;
    }
    try {
      endInput();
      drainOutput();
    } catch (IOException e) {
      LOG.debug("close of {} failed", name, e);
    } finally {
      end();
    }
  }

  private void drainOutput() throws IOException {
    try {
      if (output == null) {
        var opened = IpcStreamReader.open(channel.in(), memory());
        if (opened.isEmpty()) {
          return;
        }
        output = opened.get();
      }
      while (output.next()) {
        LogBatches.Kind kind = LogBatches.classify(output.root().getRowCount(), output.metadata());
        if (kind instanceof LogBatches.Log log) {
          answers.deliver(log.message());
        }
      }
    } catch (WireFormatException e) {
      LOG.debug("output of {} ended badly", name, e);
    }
  }

  private void releaseResolved() {
    if (resolved != null) {
      resolved.close();
      resolved = null;
    }
  }

  @Override
  protected void onEnd() {
    releaseResolved();
    if (output != null) {
      output.close();
    }
    channel.finished(this);
  }
}
