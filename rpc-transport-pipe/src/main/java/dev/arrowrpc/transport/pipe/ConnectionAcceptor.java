package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.ErrorDetail;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.auth.Authenticator;
import dev.arrowrpc.core.auth.ConnectionAuth;
import dev.arrowrpc.core.identity.IdentityBearerAuthenticator;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.shm.ShmConnection;
import dev.arrowrpc.core.spi.ErrorStreams;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections on a listening socket channel and serves each on a thread of a bounded pool.
 * At most {@link ConnectionLimits#maxConnections()} connections are served at once; a connection
 * beyond the cap is closed as soon as it is accepted (its client sees the end of the stream at once
 * rather than waiting silently in the backlog). Connections that stay silent between requests, or
 * stall mid-request, are closed by a {@link ReadWatchdog}. With an {@link Authenticator}, every
 * request of a connection is authenticated, the authenticator seeing the peer's address and, on a
 * Unix-domain socket, its credentials. Shared by the Unix-domain and TCP servers.
 */
final class ConnectionAcceptor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionAcceptor.class);
  private static final Duration IDLE_THREAD_LIFETIME = Duration.ofSeconds(30);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration ACCEPT_RETRY = Duration.ofMillis(100);
  /** How long a shed connection's unread request is drained after its answer, at most. */
  private static final Duration SHED_LINGER = Duration.ofMillis(500);
  /** Shed connections waiting for their answer beyond this are closed without one. */
  private static final int SHED_QUEUE = 64;

  /** Prepares an accepted channel (socket options) before it is served. */
  @FunctionalInterface
  interface Setup {
    /**
     * Configures a freshly accepted channel.
     *
     * @param channel the channel
     * @return the channel to serve the connection over, read and written as a blocking one: {@code
     *     channel} itself, or one over it that closing closes it
     * @throws IOException when an option cannot be set (the connection is dropped)
     */
    ByteChannel configure(SocketChannel channel) throws IOException;
  }

  private final ServerSocketChannel listener;
  private final RpcServer server;
  private final TransportKind kind;
  private final Setup setup;
  private final String name;
  private final ConnectionLimits limits;
  private final Optional<Authenticator> authenticator;
  private final Optional<ReadWatchdog> watchdog;
  private final ThreadPoolExecutor pool;
  private final Thread acceptThread;
  /** The answer a connection over the cap gets before it is closed. */
  private final byte[] busyAnswer;
  private final ThreadPoolExecutor shedding;
  /** The live connections: each accepted socket and the channel it is served over (which closes it). */
  private final Map<SocketChannel, ByteChannel> live = new HashMap<>();
  private boolean closed;
  /** When the last connection ended ({@link System#nanoTime()}), or the acceptor started. */
  private long idleSince = System.nanoTime();
  /** Connections admitted so far. */
  private long admitted;

  private ConnectionAcceptor(ServerSocketChannel listener, RpcServer server, TransportKind kind, Setup setup,
      ConnectionLimits limits, Optional<Authenticator> authenticator, String name) {
    this.listener = listener;
    this.limits = limits;
    this.authenticator = authenticator;
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
    this.busyAnswer = busyAnswer(server, limits.maxConnections());
    this.shedding = new ThreadPoolExecutor(1, 1, IDLE_THREAD_LIFETIME.toMillis(), TimeUnit.MILLISECONDS,
        new java.util.concurrent.ArrayBlockingQueue<>(SHED_QUEUE), task -> daemon(task, name + "-shed"));
    this.shedding.allowCoreThreadTimeOut(true);
  }

  /**
   * Starts accepting on a bound listener.
   *
   * @param listener the bound, blocking listener; closed by {@link #close()}
   * @param server serves each connection
   * @param kind the listener's transport kind, as calls on its connections report it
   * @param setup applied to each accepted channel
   * @param limits the connection cap and timeouts
   * @param authenticator authenticates every request, if given (the server's identity configuration,
   *     if any, is consulted after it, as on HTTP)
   * @param name names the threads
   * @return the running acceptor
   */
  static ConnectionAcceptor start(ServerSocketChannel listener, RpcServer server, TransportKind kind, Setup setup,
      ConnectionLimits limits, Optional<Authenticator> authenticator, String name) {
    ConnectionAcceptor acceptor = new ConnectionAcceptor(listener, server, kind, setup, limits,
        IdentityBearerAuthenticator.wrap(server.identity(), authenticator), name);
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
      if (admission == Admission.CLOSED) {
        closeQuietly(channel);
        return;
      }
      if (admission == Admission.OVER_CAP) {
        LOG.debug("{}: {} connections open, the cap: shedding a new one", name, limits.maxConnections());
        shed(channel);
        continue;
      }
      ByteChannel served = channel;
      try {
        served = setup.configure(channel);
        serving(channel, served);
        ByteChannel io = served;
        pool.execute(() -> serve(channel, io));
      } catch (IOException | RuntimeException | Error e) {
        LOG.debug("{}: dropping a connection: {}", name, e.toString());
        unregister(channel);
        closeQuietly(served);
      }
    }
  }

  /**
   * Answers a connection over the cap with a retryable {@code RESOURCE_EXHAUSTED} error stream and
   * closes it, on a small thread of its own: the answer is written, the sending side shut, and what
   * the client had already sent read and dropped for a moment, so that the close does not reset the
   * connection before the client read the answer. When the shedding thread is itself busy, the
   * connection is closed at once.
   */
  private void shed(SocketChannel channel) {
    try {
      shedding.execute(() -> {
        try {
          channel.configureBlocking(true);
          ByteBuffer answer = ByteBuffer.wrap(busyAnswer);
          while (answer.hasRemaining()) {
            channel.write(answer);
          }
          channel.shutdownOutput();
          // drop what the client sent before it read the answer, for a moment at most
          channel.configureBlocking(false);
          ByteBuffer sink = ByteBuffer.allocate(8192);
          long deadline = System.nanoTime() + SHED_LINGER.toNanos();
          while (System.nanoTime() < deadline) {
            sink.clear();
            int read = channel.read(sink);
            if (read < 0) {
              break;
            }
            if (read == 0) {
              Thread.sleep(10);
            }
          }
        } catch (IOException | RuntimeException e) {
          // the client went away: nothing more to say
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          closeQuietly(channel);
        }
      });
    } catch (RejectedExecutionException full) {
      closeQuietly(channel);
    }
  }

  private static byte[] busyAnswer(RpcServer server, int cap) {
    RpcException busy = RpcException.status(ErrorCode.RESOURCE_EXHAUSTED,
            "the server is serving its maximum of " + cap + " connections; retry shortly")
        .detail(ErrorDetail.RetryInfo.of(Duration.ofSeconds(1))).build();
    try (BufferAllocator memory = server.allocator().newChildAllocator("busy-answer", 0, Long.MAX_VALUE)) {
      return ErrorStreams.bytes(busy, server.serverId(), "", memory);
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

  private void serve(SocketChannel accepted, ByteChannel served) {
    ByteChannel channel = watchdog.isPresent() ? watchdog.get().watch(served) : served;
    try {
      String peer = peerAddress(accepted);
      ConnectionAuth auth = authenticator.isEmpty() ? ConnectionAuth.none()
          : ConnectionAuth.of(authenticator.get(), kind, peer, peerCredentials(accepted));
      // the peer's address also goes to access records (remote_addr), as over HTTP; a Unix-domain
      // peer shares this host's memory, so its connection may use a shared-memory segment
      try (ShmConnection shm = kind == TransportKind.UNIX ? ShmConnection.open(ShmSegment::attach) : null) {
        // the socket is asked whether bytes wait (polling), the watchdog's channel read
        server.serve(InterruptShield.input(ChannelStreams.input(channel, served)),
            InterruptShield.output(ChannelStreams.output(channel)), peer, kind, auth);
      }
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

  /** The peer's host address on TCP; empty for a Unix-domain peer (which has no name). */
  private static String peerAddress(SocketChannel channel) {
    try {
      return channel.getRemoteAddress() instanceof InetSocketAddress inet ? inet.getHostString() : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** The peer process's user and group, as the kernel reports them for a Unix-domain socket. */
  private Optional<UnixDomainPrincipal> peerCredentials(SocketChannel channel) {
    if (kind != TransportKind.UNIX) {
      return Optional.empty();
    }
    try {
      return Optional.of(channel.getOption(ExtendedSocketOptions.SO_PEERCRED));
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("{}: the peer's credentials are unavailable: {}", name, e.toString());
      return Optional.empty();
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
    live.put(channel, channel);
    admitted++;
    return Admission.ADMITTED;
  }

  /** Notes the channel an admitted connection is served over, which {@link #close()} closes. */
  private synchronized void serving(SocketChannel channel, ByteChannel served) {
    live.replace(channel, served);
  }

  private synchronized void unregister(SocketChannel channel) {
    if (live.remove(channel) != null && live.isEmpty()) {
      idleSince = System.nanoTime();
    }
  }

  /**
   * How long no connection has been open, at {@code now} ({@link System#nanoTime()}): since the
   * last one ended, or since the start when none came yet; -1 while one is open.
   */
  synchronized long idleNanos(long now) {
    return live.isEmpty() ? now - idleSince : -1;
  }

  /** {@return how many connections were admitted (served) so far} */
  synchronized long admitted() {
    return admitted;
  }

  /**
   * Stops accepting, closes the live connections (their clients see the end of input) and waits up
   * to 5 s for the connection threads to finish. Idempotent.
   */
  @Override
  public void close() {
    List<ByteChannel> open;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open = List.copyOf(live.values());
    }
    closeQuietly(listener);
    watchdog.ifPresent(ReadWatchdog::close);
    open.forEach(ConnectionAcceptor::closeQuietly);
    pool.shutdownNow();
    shedding.shutdownNow();
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
