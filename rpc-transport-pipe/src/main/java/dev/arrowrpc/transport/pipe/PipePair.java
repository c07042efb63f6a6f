package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.shm.ShmConnection;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server and a client end connected by in-memory pipes, in one process: the quickest way to test a
 * service through the full wire path.
 *
 * <pre>{@code
 * try (PipePair pair = PipePair.serve(server);
 *     RpcClient client = RpcClient.connect(pair.client())) {
 *   client.proxy(Calculator.class).add(1, 2);
 * }
 * }</pre>
 *
 * <p>The server runs on a daemon thread until the client end closes.
 */
public final class PipePair implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipePair.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final RingPipe toServer = new RingPipe();
  private final RingPipe toClient = new RingPipe();
  private final ClientEnd client = new ClientEnd();
  private final Thread serverThread;
  private volatile Throwable serverFailure;

  private PipePair(RpcServer server) {
    serverThread = new Thread(() -> run(server), "arrowrpc-pipe-server-" + COUNTER.incrementAndGet());
    serverThread.setDaemon(true);
  }

  /**
   * Starts serving a server on a new in-memory connection.
   *
   * @param server the server; it stays open when the pair closes
   * @return the pair, with the server running
   */
  public static PipePair serve(RpcServer server) {
    PipePair pair = new PipePair(Objects.requireNonNull(server, "server"));
    pair.serverThread.start();
    return pair;
  }

  private void run(RpcServer server) {
    try {
      try (ShmConnection shm = ShmConnection.open(ShmSegment::attach)) {
        server.serve(InterruptShield.input(toServer.source()), InterruptShield.output(toClient.sink()), "",
            TransportKind.PIPE);
      }
    } catch (Throwable e) {
      serverFailure = e;
      LOG.debug("in-process server ended with an error", e);
    } finally {
      toClient.closeWriter();
      toServer.closeReader();
    }
  }

  /**
   * The client end, to pass to {@code RpcClient.connect}. Closing it ends the server's connection.
   *
   * @return the client end
   */
  public ByteTransport client() {
    return client;
  }

  /**
   * Closes the client end (if still open) and waits up to 5 s for the server thread to finish its
   * connection. A server stuck in a method call after that is interrupted and left behind (it is a
   * daemon thread).
   */
  @Override
  public void close() {
    client.close();
    try {
      serverThread.join(JOIN_TIMEOUT.toMillis());
      if (serverThread.isAlive()) {
        LOG.warn("in-process server thread {} did not finish within {}; interrupting it",
            serverThread.getName(), JOIN_TIMEOUT);
        serverThread.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The client's view: reads what the server writes, writes what the server reads. */
  private final class ClientEnd implements ByteTransport {
    @Override
    public InputStream input() {
      return toClient.source();
    }

    @Override
    public OutputStream output() {
      return toServer.sink();
    }

    @Override
    public String failureHint() {
      Throwable failure = serverFailure;
      if (failure != null) {
        return "in-process server failed: " + failure;
      }
      return serverThread.isAlive() ? "" : "in-process server stopped";
    }

    @Override
    public void close() {
      toServer.closeWriter();
      toClient.closeReader();
    }
  }
}
