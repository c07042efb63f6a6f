package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.spi.RequestEngine;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.StreamListener;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DoPut with acknowledgements: the descriptor names an exchange method (a DoGet ticket as the command,
 * or a path), each put batch is one turn, and each turn answers with exactly one {@link PutResult}
 * whose app metadata is an Arrow IPC stream on the output schema: the turn's log messages as zero-row
 * log batches (the vgi-rpc log batch, as in a DoAction result), then the turn's output batch (zero
 * rows when the turn returned none), then end of stream, so {@code pa.ipc.open_stream(buf).read_all()}
 * is the turn's output. A turn that finishes the stream acks with no output batch and ends the call;
 * the method's error ends it with its Flight status. A put message's app metadata gives the input batch
 * its custom metadata as on DoExchange ({@link ExchangeTurns#inputMetadata}); one with no rows and app
 * metadata is metadata-only and runs no turn. Init logs and the stream header are not acked on their own: the
 * init logs lead the first ack; a header is dropped (DoExchange carries it).
 */
final class PutAcks {
  private static final Logger LOG = LoggerFactory.getLogger(PutAcks.class);

  private final ExchangeTurns turns;
  private final Tickets.Call call;
  private final BufferAllocator allocator;
  private final BooleanSupplier stopping;

  /**
   * @param engine the engine
   * @param call the exchange the descriptor names
   * @param allocator the Flight server's memory (answers, acks)
   * @param caller who calls
   * @param stopping whether the server is stopping (the upload then ends at its next turn)
   */
  PutAcks(RequestEngine engine, Tickets.Call call, BufferAllocator allocator, RequestEngine.Caller caller,
      BooleanSupplier stopping) {
    this.turns = new ExchangeTurns(engine, call.entry(), allocator, caller);
    this.call = call;
    this.allocator = allocator;
    this.stopping = stopping;
  }

  /**
   * Serves the upload to its end.
   *
   * @param puts the client's batches
   * @param acks where the acknowledgements go
   */
  void run(FlightStream puts, StreamListener<PutResult> acks) {
    try {
      Schema output = turns.open(call.request());
      ExchangeTurns.requireNoDictionary(output, "the output of '" + call.entry().actionType() + "'");
      boolean inputChecked = false;
      while (turns.isOpen() && puts.next()) {
        if (!puts.hasRoot()) {
          continue;
        }
        VectorSchemaRoot input = puts.getRoot();
        if (input.getRowCount() == 0 && puts.getLatestMetadata() != null) {
          continue; // a metadata-only message: no turn
        }
        if (!inputChecked) {
          ExchangeTurns.requireNoDictionary(input.getSchema(), "the input");
          inputChecked = true;
        }
        if (stopping.getAsBoolean()) {
          throw CallStatus.CANCELLED.withDescription("the server is shutting down").toRuntimeException();
        }
        ByteArrayOutputStream ack = new ByteArrayOutputStream();
        IpcStreamWriter[] writer = new IpcStreamWriter[1];
        turns.turn(input, ExchangeTurns.inputMetadata(puts.getLatestMetadata()), (batch, metadata) -> {
          writer[0] = IpcStreamWriter.start(ack, batch.getSchema());
          writeLogs(writer[0], batch.getSchema());
          writer[0].write(batch, metadata);
        });
        if (writer[0] == null) {
          writer[0] = IpcStreamWriter.start(ack, output);
        }
        writeLogs(writer[0], writer[0].schema());
        writer[0].close();
        send(acks, ack.toByteArray());
      }
      acks.onCompleted();
    } catch (FlightRuntimeException e) {
      turns.cancel();
      LOG.debug("DoPut of {} ended with {}", call.entry().actionType(), e.status());
      error(acks, e);
    } catch (IOException | RuntimeException e) {
      turns.cancel();
      LOG.debug("DoPut of {} failed", call.entry().actionType(), e);
      error(acks, CallStatus.INTERNAL.withDescription("the upload failed: " + e).withCause(e).toRuntimeException());
    }
  }

  /** Writes the gathered logs as zero-row log batches on the ack's schema. */
  private void writeLogs(IpcStreamWriter writer, Schema schema) throws IOException {
    List<ExchangeTurns.Logged> logs = turns.takeLogs();
    if (logs.isEmpty()) {
      return;
    }
    try (VectorSchemaRoot empty = VectorSchemaRoot.create(schema, allocator)) {
      empty.setRowCount(0);
      for (ExchangeTurns.Logged log : logs) {
        writer.write(empty, log.metadata());
      }
    }
  }

  private void send(StreamListener<PutResult> acks, byte[] bytes) {
    ArrowBuf buf = allocator.buffer(bytes.length);
    buf.setBytes(0, bytes);
    buf.writerIndex(bytes.length);
    try (PutResult result = PutResult.metadata(buf)) { // the ack is copied out when sent
      acks.onNext(result);
    }
  }

  private static void error(StreamListener<PutResult> acks, FlightRuntimeException e) {
    try {
      acks.onError(e);
    } catch (RuntimeException ignored) {
      // the call is gone already
    }
  }
}
