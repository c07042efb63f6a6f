package dev.arrowrpc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.OutboundStreamListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The raw Flight baselines: a bare {@link NoOpFlightProducer} with no arrow-rpc in it, served by
 * {@link BenchWorker} {@code raw --flight}, and the client operations the Flight rows are compared
 * with:
 *
 * <ul>
 *   <li>{@link Client#roundTrip()}: what one unary call over {@code FlightRpc} costs on the wire (the
 *       typed client opens one DoExchange per call): open a DoExchange on the command {@code ping},
 *       one small {@code app_metadata} message each way, half-close, read the server's completion;
 *   <li>{@link Client#echo(VectorSchemaRoot)}: one batch out and back on a DoExchange kept open (the
 *       command {@code echo}), as the typed client's {@code BatchStream} exchange keeps one open for
 *       the whole stream;
 *   <li>{@link Client#doGet(String, long)}: a DoGet of ticket {@code rows:TOTAL:BATCH}: {@code TOTAL}
 *       rows of {@link BulkData#SCHEMA} in batches of {@code BATCH} rows served from memory (the
 *       buffers of one batch built at start, sent again and again), honouring gRPC flow control as
 *       the arrow-rpc server does.
 * </ul>
 */
public final class RawFlight {
  /** The DoExchange command of the unary round trip. */
  static final String PING = "ping";
  /** The DoExchange command of the batch echo. */
  static final String ECHO = "echo";
  /** The app_metadata of a round trip: about the size of a small vgi-rpc request. */
  private static final int PING_BYTES = 200;

  /** Whether the raw DoGet waits for gRPC readiness (system property {@code bench.rawFlightFlowControl}). */
  private static final boolean FLOW_CONTROL =
      !"false".equals(System.getProperty("bench.rawFlightFlowControl", "true"));

  private RawFlight() {}

  /**
   * The ticket of a DoGet of {@code total} rows in batches of {@code batch} rows.
   *
   * @param total rows in all
   * @param batch rows per batch
   * @return the ticket's text
   */
  static String rowsTicket(long total, long batch) {
    return "rows:" + total + ":" + batch;
  }

  /**
   * Starts the bare Flight server on loopback.
   *
   * @param host the interface
   * @param port the port (0: any free one)
   * @return the running server
   * @throws IOException when it cannot bind
   */
  public static Server start(String host, int port) throws IOException {
    BufferAllocator allocator = new RootAllocator(Long.MAX_VALUE);
    Producer producer = new Producer(allocator);
    FlightServer server = FlightServer.builder(allocator, Location.forGrpcInsecure(host, port), producer).build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      producer.close();
      allocator.close();
      throw e;
    }
    return new Server(server, producer, allocator);
  }

  /** The running raw server. */
  public static final class Server implements AutoCloseable {
    private final FlightServer server;
    private final Producer producer;
    private final BufferAllocator allocator;

    private Server(FlightServer server, Producer producer, BufferAllocator allocator) {
      this.server = server;
      this.producer = producer;
      this.allocator = allocator;
    }

    /** {@return the port it listens on} */
    public int port() {
      return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
      try {
        server.shutdown();
        server.awaitTermination(5, TimeUnit.SECONDS);
        server.close();
      } finally {
        producer.close();
        allocator.close();
      }
    }
  }

  /** The bare producer: a round trip and an echo on DoExchange, and rows from memory on DoGet. */
  private static final class Producer extends NoOpFlightProducer implements AutoCloseable {
    private final BufferAllocator allocator;

    Producer(BufferAllocator allocator) {
      this.allocator = allocator;
    }

    @Override
    public void doExchange(CallContext context, FlightStream reader, ServerStreamListener writer) {
      String command = new String(reader.getDescriptor().getCommand(), StandardCharsets.UTF_8);
      try {
        if (command.equals(PING)) {
          while (reader.next()) {
            ArrowBuf in = reader.getLatestMetadata();
            if (in != null) {
              ArrowBuf out = allocator.buffer(in.readableBytes());
              out.setBytes(0, in, 0, in.readableBytes());
              out.writerIndex(in.readableBytes());
              writer.putMetadata(out);
            }
          }
        } else if (command.equals(ECHO)) {
          boolean started = false;
          while (reader.next()) {
            if (!started) {
              writer.start(reader.getRoot());
              started = true;
            }
            writer.putNext();  // the batch just read, sent back from the reader's buffers
          }
        } else {
          writer.error(CallStatus.INVALID_ARGUMENT.withDescription("unknown command " + command).toRuntimeException());
          return;
        }
        writer.completed();
      } catch (RuntimeException e) {
        writer.error(CallStatus.INTERNAL.withCause(e).withDescription(e.toString()).toRuntimeException());
      }
    }

    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
      String[] parts = new String(ticket.getBytes(), StandardCharsets.UTF_8).split(":");
      long total;
      int batch;
      try {
        total = Long.parseLong(parts[1]);
        batch = Integer.parseInt(parts[2]);
        if (!parts[0].equals("rows") || batch < 1 || batch > BulkData.MAX_TEMPLATE_ROWS) {
          throw new IllegalArgumentException("bad ticket");
        }
      } catch (RuntimeException e) {
        listener.error(CallStatus.INVALID_ARGUMENT.withDescription("ticket rows:TOTAL:BATCH expected").toRuntimeException());
        return;
      }
      Readiness ready = new Readiness(listener);
      // one batch in memory, sent again and again (the last one cut to the rows left)
      try (VectorSchemaRoot root = BulkData.template(batch, allocator)) {
        listener.start(root);
        for (long left = total; left > 0; ) {
          int rows = (int) Math.min(batch, left);
          if (FLOW_CONTROL && !ready.await()) {
            return;
          }
          if (rows != root.getRowCount()) {
            root.setRowCount(rows);
          }
          listener.putNext();
          left -= rows;
        }
        listener.completed();
      } catch (RuntimeException e) {
        listener.error(CallStatus.INTERNAL.withCause(e).withDescription(e.toString()).toRuntimeException());
      }
    }

    @Override
    public void close() {
      // nothing of its own: the batches are the process's template's
    }
  }

  /**
   * Waits for gRPC's flow control: the next message is put only when the listener is ready. Flight
   * runs {@code getStream} inside the call's gRPC callback, so the call's on-ready callbacks wait
   * behind it: readiness is polled, backing off from 20 µs to 1 ms.
   */
  static final class Readiness {
    private final org.apache.arrow.flight.FlightProducer.ServerStreamListener listener;

    Readiness(org.apache.arrow.flight.FlightProducer.ServerStreamListener listener) {
      this.listener = listener;
    }

    /** {@return false when the client cancelled} */
    boolean await() {
      long pause = 20_000;
      while (!listener.isReady() && !listener.isCancelled()) {
        java.util.concurrent.locks.LockSupport.parkNanos(pause);
        if (Thread.interrupted()) {
          Thread.currentThread().interrupt();
          return false;
        }
        pause = Math.min(pause * 2, 1_000_000);
      }
      return !listener.isCancelled();
    }
  }

  /** The raw client: a stock {@link FlightClient}. */
  public static final class Client implements AutoCloseable {
    private final BufferAllocator allocator;
    private final FlightClient client;
    private final AutoCloseable worker;
    private final byte[] ping = new byte[PING_BYTES];
    private FlightClient.ExchangeReaderWriter echo;
    private boolean echoStarted;

    /**
     * Connects to a Flight server.
     *
     * @param port the server's loopback port
     * @param worker closed after the client (the worker process), or a no-op
     */
    public Client(int port, AutoCloseable worker) {
      this.allocator = new RootAllocator(Long.MAX_VALUE);
      this.client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build();
      this.worker = worker;
    }

    /**
     * One raw unary round trip: a new DoExchange, 200 bytes of app_metadata each way, half-close,
     * the server's completion.
     *
     * @throws IOException when the server answers wrongly
     */
    public void roundTrip() throws IOException {
      try (FlightClient.ExchangeReaderWriter exchange = client.doExchange(
          FlightDescriptor.command(PING.getBytes(StandardCharsets.UTF_8)))) {
        ArrowBuf out = allocator.buffer(ping.length);
        out.setBytes(0, ping);
        out.writerIndex(ping.length);
        exchange.getWriter().putMetadata(out);
        if (!exchange.getReader().next() || exchange.getReader().getLatestMetadata() == null
            || exchange.getReader().getLatestMetadata().readableBytes() != ping.length) {
          throw new IOException("the raw Flight server did not echo the round trip");
        }
        exchange.getWriter().completed();
        while (exchange.getReader().next()) {
          // drain to the server's completion
        }
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException("raw Flight round trip failed: " + e, e);
      }
    }

    /**
     * Sends a batch on the open echo DoExchange (opened at the first call) and reads it back.
     *
     * @param batch the batch
     * @return the rows read back
     * @throws IOException when the exchange fails
     */
    public int echo(VectorSchemaRoot batch) throws IOException {
      if (echo == null) {
        echo = client.doExchange(FlightDescriptor.command(ECHO.getBytes(StandardCharsets.UTF_8)));
      }
      OutboundStreamListener writer = echo.getWriter();
      if (!echoStarted) {
        writer.start(batch);
        echoStarted = true;
      }
      writer.putNext();
      if (!echo.getReader().next()) {
        throw new IOException("the raw Flight echo ended early");
      }
      return echo.getReader().getRoot().getRowCount();
    }

    /**
     * Reads a DoGet to its end.
     *
     * @param ticket the ticket's text
     * @param firstBatch receives the nanoseconds from the call to the first batch
     * @return the rows read
     * @throws Exception when the stream fails
     */
    public long doGet(String ticket, java.util.function.LongConsumer firstBatch) throws Exception {
      return readAll(client, new Ticket(ticket.getBytes(StandardCharsets.UTF_8)), firstBatch);
    }

    /**
     * The stock Flight client.
     *
     * @return the client
     */
    FlightClient flight() {
      return client;
    }

    @Override
    public void close() {
      if (echo != null) {
        try {
          echo.getWriter().completed();
          while (echo.getReader().next()) {
            // drain to the server's completion
          }
          echo.close();
        } catch (Exception e) {
          // the run is over; the worker goes next
        }
      }
      Launcher.closeAll(java.util.List.of(client, allocator, worker));
    }
  }

  /**
   * Reads a DoGet with a stock {@code FlightClient.getStream}, counting rows.
   *
   * @param client the client
   * @param ticket the ticket
   * @param firstBatch receives the nanoseconds from the call to the first batch
   * @return the rows read
   * @throws Exception when the stream fails
   */
  static long readAll(FlightClient client, Ticket ticket, java.util.function.LongConsumer firstBatch)
      throws Exception {
    long start = System.nanoTime();
    long rows = 0;
    try (FlightStream stream = client.getStream(ticket)) {
      boolean first = true;
      while (stream.next()) {
        if (first) {
          firstBatch.accept(System.nanoTime() - start);
          first = false;
        }
        rows += stream.getRoot().getRowCount();
      }
    }
    return rows;
  }
}
