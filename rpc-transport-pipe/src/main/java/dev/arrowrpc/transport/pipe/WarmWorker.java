package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of the launcher contract: listens on a Unix-domain socket, announces it with one
 * line {@code UNIX:<absolute path>} on stdout once listening, serves connections (each on its own
 * thread) and, after {@code idleTimeout} with no connection open, stops: it deletes its socket file
 * first (new clients no longer find it, so a launcher starts a fresh worker), serves a connection
 * that got in just before to its end, then closes. Until the first connection the worker waits
 * {@code max(idleTimeout, 60 s)}, so a client slow to connect after the start is not left without a
 * worker, as the reference does.
 */
final class WarmWorker {
  /** The shortest wait before the first connection. */
  static final Duration STARTUP_GRACE = Duration.ofSeconds(60);
  private static final Logger LOG = LoggerFactory.getLogger(WarmWorker.class);
  /** How long a deleted socket's last accepted connections get to be seen before the close. */
  private static final long SETTLE_MILLIS = 100;
  private static final int SOCKET_MODE = 0140000;
  private static final int TYPE_MASK = 0170000;

  private WarmWorker() {}

  /**
   * Serves until idle.
   *
   * @param server the server; it stays open
   * @param path the socket file to create; a stale socket there (nothing listening) is replaced
   * @param idleTimeout how long without a connection before the worker stops; zero: never
   * @param maxConnections the most connections served at once
   * @param discovery where the {@code UNIX:} line goes (the worker's stdout)
   * @throws IOException when the path holds something other than a stale socket, or cannot be
   *     bound
   */
  static void serve(RpcServer server, Path path, Duration idleTimeout, int maxConnections, OutputStream discovery)
      throws IOException {
    Objects.requireNonNull(server, "server");
    Path socket = path.toAbsolutePath().normalize();
    if (idleTimeout.isNegative()) {
      throw new IllegalArgumentException("idleTimeout must not be negative");
    }
    replaceStale(socket);
    // no per-connection idle limit: a warm client may hold its connection as long as it likes
    UnixSocketServer listening = UnixSocketServer.builder(server, socket).maxConnections(maxConnections)
        .idleTimeout(Duration.ZERO).start();
    try {
      try {
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      } catch (IOException | UnsupportedOperationException e) {
        LOG.debug("cannot restrict {}: {}", socket, e.toString());
      }
      discovery.write(("UNIX:" + socket + "\n").getBytes(StandardCharsets.UTF_8));
      discovery.flush();
      waitUntilIdle(listening, idleTimeout);
    } finally {
      listening.close();
    }
  }

  private static void waitUntilIdle(UnixSocketServer listening, Duration idleTimeout) {
    ConnectionAcceptor connections = listening.acceptor();
    long idle = idleTimeout.toNanos();
    long grace = Math.max(idle, STARTUP_GRACE.toNanos());
    long poll = Math.max(10_000_000L, Math.min(250_000_000L, idle / 10));
    try {
      while (true) {
        if (idle > 0) {
          long quiet = connections.idleNanos(System.nanoTime());
          long limit = connections.admitted() == 0 ? grace : idle;
          if (quiet >= limit) {
            listening.unlink();
            LOG.debug("{}: idle for {} ms, stopping", listening.path(), quiet / 1_000_000);
            Thread.sleep(SETTLE_MILLIS);
            while (connections.idleNanos(System.nanoTime()) < 0) {
              Thread.sleep(poll / 1_000_000);
            }
            return;
          }
        }
        Thread.sleep(poll / 1_000_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Deletes a socket file nothing listens on; refuses a live socket and anything that is not a
   * socket (a regular file or a link may hold data or point elsewhere).
   */
  static void replaceStale(Path socket) throws IOException {
    if (!isSocket(socket)) {
      if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("refusing to replace pre-existing non-socket path: " + socket);
      }
      return;
    }
    boolean live;
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      live = true;
    } catch (IOException refused) {
      live = false;
    }
    if (live) {
      throw new IOException("another process is already listening on " + socket);
    }
    Files.deleteIfExists(socket);
  }

  /** {@return whether the path names a socket (not following a link)} */
  static boolean isSocket(Path path) throws IOException {
    try {
      Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return ((Integer) mode & TYPE_MASK) == SOCKET_MODE;
    } catch (NoSuchFileException e) {
      return false;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // no unix attribute view: a socket is neither a file, a directory nor a link
      return Files.exists(path, LinkOption.NOFOLLOW_LINKS)
          && Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
              LinkOption.NOFOLLOW_LINKS).isOther();
    }
  }
}
