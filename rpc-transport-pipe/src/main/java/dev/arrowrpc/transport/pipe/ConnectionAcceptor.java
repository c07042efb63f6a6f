package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.RpcServer;
import dev.arrowrpc.core.TransportKind;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections on a listening socket channel and serves each on a thread of a bounded pool.
 * At most {@link ConnectionLimits#maxConnections()} connections are served at once; a connection
 * beyond the cap is closed as soon as it is accepted (its client sees the end of the stream at once
 * rather than waiting silently in the backlog). Connections that stay silent between requests, or
 * stall mid-request, are closed by a {@link ReadWatchdog}. Shared by the Unix-domain and TCP servers.
 */
final class ConnectionAcceptor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionAcceptor.class);
  private static final Duration IDLE_THREAD_LIFETIME = Duration.ofSeconds(30);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration ACCEPT_RETRY = Duration.ofMillis(100);

  /** Prepares an accepted channel (socket options) before it is served. */
  @FunctionalInterface
  interface Setup {
    /**
     * Configures a freshly accepted channel.
     *
     * @param channel the channel
     * @throws IOException when an option cannot be set (the connection is dropped)
     */
    void configure(SocketChannel channel) throws IOException;
  }

  private final ServerSocketChannel listener;
  private final RpcServer server;
  private final TransportKind kind;
  private final Setup setup;
  private final String name;
  private final ConnectionLimits limits;
  private final Optional<ReadWatchdog> watchdog;
  private final ThreadPoolExecutor pool;
  private final Thread acceptThread;
  private final Set<SocketChannel> live = new HashSet<>();
  private boolean closed;

  private ConnectionAcceptor(ServerSocketChannel listener, RpcServer server, TransportKind kind, Setup setup,
      ConnectionLimits limits, String name) {
    this.listener = listener;
    this.limits = limits;
    this.watchdog = ReadWatchdog.start(limits, name);
    this.server = server;
    this.kind = kind;
    this.setup = setup;
    this.name = name;
    AtomicInteger threads = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(limits.maxConnections(), limits.maxConnections(),
        IDLE_THREAD_LIFETIME.toMillis(), TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        task -> daemon(task, name + "-conn-" + threads.incrementAndGet()));
    this.pool.allowCoreThreadTimeOut(true);
    this.acceptThread = daemon(this::acceptLoop, name + "-accept");
  }

  /**
   * Starts accepting on a bound listener.
   *
   * @param listener the bound, blocking listener; closed by {@link #close()}
   * @param server serves each connection
   * @param kind the listener's transport kind, as calls on its connections report it
   * @param setup applied to each accepted channel
   * @param limits the connection cap and timeouts
   * @param name names the threads
   * @return the running acceptor
   */
  static ConnectionAcceptor start(ServerSocketChannel listener, RpcServer server, TransportKind kind, Setup setup,
      ConnectionLimits limits, String name) {
    ConnectionAcceptor acceptor = new ConnectionAcceptor(listener, server, kind, setup, limits, name);
    acceptor.acceptThread.start();
    return acceptor;
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  private void acceptLoop() {
    while (true) {
      SocketChannel channel;
      try {
        channel = listener.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!listener.isOpen()) {
          return;
        }
        LOG.warn("{}: accept failed, retrying: {}", name, e.toString());
        if (!pause()) {
          return;
        }
        continue;
      }
      Admission admission = register(channel);
      if (admission != Admission.ADMITTED) {
        closeQuietly(channel);
        if (admission == Admission.CLOSED) {
          return;
        }
        LOG.debug("{}: {} connections open, the cap: closed a new one", name, limits.maxConnections());
        continue;
      }
      try {
        setup.configure(channel);
        pool.execute(() -> serve(channel));
      } catch (IOException | RuntimeException | Error e) {
        LOG.debug("{}: dropping a connection: {}", name, e.toString());
        unregister(channel);
        closeQuietly(channel);
      }
    }
  }

  private static boolean pause() {
    try {
      Thread.sleep(ACCEPT_RETRY.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void serve(SocketChannel accepted) {
    ByteChannel channel = watchdog.isPresent() ? watchdog.get().watch(accepted) : accepted;
    try {
      server.serve(InterruptShield.input(ChannelStreams.input(channel)),
          InterruptShield.output(ChannelStreams.output(channel)), "", kind);
    } catch (IOException e) {
      LOG.debug("{}: connection ended with an I/O error: {}", name, e.toString());
    } catch (Throwable e) {
      // the last resort of a connection thread: nothing escapes it, and the server keeps accepting
      LOG.warn("{}: connection failed", name, e);
    } finally {
      unregister(accepted);
      closeQuietly(channel);
    }
  }

  /** What became of an accepted connection. */
  private enum Admission {
    ADMITTED,
    OVER_CAP,
    CLOSED
  }

  private synchronized Admission register(SocketChannel channel) {
    if (closed) {
      return Admission.CLOSED;
    }
    if (live.size() >= limits.maxConnections()) {
      return Admission.OVER_CAP;
    }
    live.add(channel);
    return Admission.ADMITTED;
  }

  private synchronized void unregister(SocketChannel channel) {
    live.remove(channel);
  }

  /**
   * Stops accepting, closes the live connections (their clients see the end of input) and waits up
   * to 5 s for the connection threads to finish. Idempotent.
   */
  @Override
  public void close() {
    List<SocketChannel> open;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open = List.copyOf(live);
    }
    closeQuietly(listener);
    watchdog.ifPresent(ReadWatchdog::close);
    open.forEach(ConnectionAcceptor::closeQuietly);
    pool.shutdownNow();
    try {
      acceptThread.join(CLOSE_TIMEOUT.toMillis());
      if (!pool.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{}: connection threads still running {} after close", name, CLOSE_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      LOG.debug("close failed: {}", e.toString());
    }
  }
}
