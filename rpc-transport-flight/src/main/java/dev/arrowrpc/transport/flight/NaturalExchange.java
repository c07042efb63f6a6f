package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.spi.RequestEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The natural DoExchange: the descriptor names an exchange method (a DoGet ticket as the command, or a
 * path), the client's batches are the stream's input and each is answered, in lockstep, by the turn's
 * output batch on one Flight stream whose schema is the method's output schema. What vgi-rpc carries
 * beside the rows rides each output message's app metadata in the JSON shape DoGet uses ({@code
 * header} on the first batch, {@code logs}, {@code metadata}); logs after the last batch come in a
 * final metadata-only message. A client message's app metadata, when it is a JSON object with a
 * {@code metadata} member, gives the input batch its custom metadata (see {@link
 * ExchangeTurns#inputMetadata}); a message with no rows and app metadata is metadata-only and runs no
 * turn. The client's
 * half-close ends the call (the vgi-rpc close); a stream that finishes ends it early; a client cancel
 * reaches the method's cancel hook.
 */
final class NaturalExchange {
  private static final Logger LOG = LoggerFactory.getLogger(NaturalExchange.class);

  private final ExchangeTurns turns;
  private final Tickets.Call call;
  private final BufferAllocator allocator;
  private final BooleanSupplier stopping;
  private final Object readiness = new Object();

  /**
   * @param engine the engine
   * @param call the exchange the descriptor names
   * @param allocator the Flight server's memory (output batches, app metadata, answers)
   * @param caller who calls
   * @param stopping whether the server is stopping (the call then ends at its next turn)
   */
  NaturalExchange(RequestEngine engine, Tickets.Call call, BufferAllocator allocator, RequestEngine.Caller caller,
      BooleanSupplier stopping) {
    this.turns = new ExchangeTurns(engine, call.entry(), allocator, caller);
    this.call = call;
    this.allocator = allocator;
    this.stopping = stopping;
  }

  /**
   * Serves the call to its end.
   *
   * @param reader the client's batches
   * @param writer the answers
   */
  void run(FlightStream reader, ServerStreamListener writer) {
    VectorSchemaRoot root = null;
    writer.setOnReadyHandler(this::wake);
    try {
      Schema output = turns.open(call.request());
      ExchangeTurns.requireNoDictionary(output, "the output of '" + call.entry().actionType() + "'");
      root = VectorSchemaRoot.create(output, allocator);
      writer.start(root);
      VectorSchemaRoot out = root;
      boolean inputChecked = false;
      while (turns.isOpen() && reader.next()) {
        if (!reader.hasRoot()) {
          continue;
        }
        VectorSchemaRoot input = reader.getRoot();
        if (input.getRowCount() == 0 && reader.getLatestMetadata() != null) {
          continue; // a metadata-only message: no turn
        }
        if (!inputChecked) {
          ExchangeTurns.requireNoDictionary(input.getSchema(), "the input");
          inputChecked = true;
        }
        awaitReady(writer);
        turns.turn(input, ExchangeTurns.inputMetadata(reader.getLatestMetadata()),
            (batch, metadata) -> forward(batch, metadata, out, writer));
      }
      Optional<ArrowBuf> rest = appMetadata(turns, Map.of(), allocator);
      if (rest.isPresent()) {
        writer.putMetadata(rest.get()); // the listener takes ownership
      }
      writer.completed();
    } catch (FlightRuntimeException e) {
      turns.cancel();
      LOG.debug("natural DoExchange of {} ended with {}", call.entry().actionType(), e.status());
      error(writer, e);
    } catch (IOException | RuntimeException e) {
      turns.cancel();
      LOG.debug("natural DoExchange of {} failed", call.entry().actionType(), e);
      error(writer, CallStatus.INTERNAL.withDescription("the exchange failed: " + e).withCause(e).toRuntimeException());
    } finally {
      if (root != null) {
        root.close();
      }
    }
  }

  /**
   * Waits until gRPC takes another message (flow control: a client that does not read holds the turns
   * back instead of letting answers pile up on the server).
   *
   * @throws FlightRuntimeException {@code CANCELLED} when the client cancelled or the server stops
   */
  private void awaitReady(ServerStreamListener writer) {
    synchronized (readiness) {
      while (!writer.isReady() && !writer.isCancelled() && !stopping.getAsBoolean()) {
        try {
          readiness.wait(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw CallStatus.CANCELLED.withDescription("interrupted").toRuntimeException();
        }
      }
    }
    if (writer.isCancelled()) {
      throw CallStatus.CANCELLED.withDescription("the client cancelled the call").toRuntimeException();
    }
    if (stopping.getAsBoolean()) {
      throw CallStatus.CANCELLED.withDescription("the server is shutting down").toRuntimeException();
    }
  }

  private void wake() {
    synchronized (readiness) {
      readiness.notifyAll();
    }
  }

  private static void error(ServerStreamListener writer, FlightRuntimeException e) {
    try {
      writer.error(e);
    } catch (RuntimeException ignored) {
      // the call is gone already
    }
  }

  /** Sends one output batch with what has gathered for its app metadata. */
  private void forward(VectorSchemaRoot batch, Map<String, String> metadata, VectorSchemaRoot out,
      ServerStreamListener writer) {
    VectorUnloader unloader = new VectorUnloader(batch);
    try (ArrowRecordBatch data = unloader.getRecordBatch()) {
      new VectorLoader(out).load(data);
    }
    Optional<ArrowBuf> app = appMetadata(turns, metadata, allocator);
    if (app.isPresent()) {
      writer.putNext(app.get()); // the listener takes ownership of the buffer
    } else {
      writer.putNext();
    }
  }

  /**
   * The app metadata of the next message, if anything gathered: {@code header} (the stream header, a
   * base64 one-batch Arrow IPC stream, once), {@code logs} ({@code [{"level", "message", "extra"}]})
   * and {@code metadata} (the batch's own custom metadata); the header and logs are taken.
   *
   * @param turns the stream
   * @param batchMetadata the batch's own custom metadata
   * @param allocator where the buffer is allocated
   * @return the buffer (the receiver owns it), or empty when there is nothing to carry
   */
  static Optional<ArrowBuf> appMetadata(ExchangeTurns turns, Map<String, String> batchMetadata,
      BufferAllocator allocator) {
    Optional<byte[]> header = turns.takeHeader();
    List<ExchangeTurns.Logged> logs = turns.takeLogs();
    if (header.isEmpty() && logs.isEmpty() && batchMetadata.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    header.ifPresent(bytes -> doc.put(ProducerPump.HEADER, Base64.getEncoder().encodeToString(bytes)));
    if (!logs.isEmpty()) {
      doc.put(ProducerPump.LOGS, FlightErrors.logsJson(logs.stream().map(ExchangeTurns.Logged::message).toList()));
    }
    if (!batchMetadata.isEmpty()) {
      doc.put(ProducerPump.METADATA, new LinkedHashMap<String, Object>(batchMetadata));
    }
    byte[] bytes = FlightJson.write(doc).getBytes(StandardCharsets.UTF_8);
    ArrowBuf buf = allocator.buffer(bytes.length);
    buf.setBytes(0, bytes);
    buf.writerIndex(bytes.length);
    return Optional.of(buf);
  }
}
