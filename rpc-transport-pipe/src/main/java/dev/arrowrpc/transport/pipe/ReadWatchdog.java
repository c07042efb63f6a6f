package dev.arrowrpc.transport.pipe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes server connections whose reads stall: one that stays silent between requests longer than
 * the idle timeout, or whose partly sent request stalls longer than the read timeout. Blocking
 * socket channels (Unix-domain ones included) have no read timeout of their own, so one thread
 * samples the connections a few times per timeout. A read only publishes a sequence number as it
 * starts and a zero as it ends (two ordered stores, no clock, no allocation); the sampler notices a
 * read that has not moved between samples and closes the channel once it has waited too long. A
 * connection that is computing or writing is not in a read and is never timed out.
 */
final class ReadWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReadWatchdog.class);
  private static final long IDLE = 1;
  private static final long PARTIAL = 2;

  private final long idleNanos;
  private final long readNanos;
  private final long periodMillis;
  private final String name;
  private final Map<Watched, Boolean> watched = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean closed;

  private ReadWatchdog(Duration idle, Duration read, String name) {
    this.idleNanos = idle.toNanos();
    this.readNanos = read.toNanos();
    long shortest = Math.min(idle.isZero() ? Long.MAX_VALUE : idle.toMillis(),
        read.isZero() ? Long.MAX_VALUE : read.toMillis());
    this.periodMillis = Math.max(5, Math.min(1000, shortest / 4));
    this.name = name;
    this.thread = new Thread(this::run, name + "-watchdog");
    this.thread.setDaemon(true);
  }

  /**
   * Starts a watchdog, or none when both timeouts are zero.
   *
   * @param limits the timeouts
   * @param name names the thread
   * @return the running watchdog, or empty when nothing is to be watched
   */
  static Optional<ReadWatchdog> start(ConnectionLimits limits, String name) {
    if (limits.idleTimeout().isZero() && limits.readTimeout().isZero()) {
      return Optional.empty();
    }
    ReadWatchdog watchdog = new ReadWatchdog(limits.idleTimeout(), limits.readTimeout(), name);
    watchdog.thread.start();
    return Optional.of(watchdog);
  }

  /**
   * Watches a connection's reads.
   *
   * @param channel the accepted channel, read and written as a blocking one (the socket itself, or a
   *     {@link SelectingChannel} over it)
   * @return the channel to serve the connection over; closing it stops the watch
   */
  ByteChannel watch(ByteChannel channel) {
    Watched w = new Watched(channel);
    watched.put(w, Boolean.TRUE);
    return w;
  }

  private void run() {
    while (!closed) {
      try {
        Thread.sleep(periodMillis);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Watched w : List.copyOf(watched.keySet())) {
        if (!w.channel.isOpen()) {
          watched.remove(w);
        } else {
          w.sample(now);
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    watched.clear();
  }

  /** A socket channel whose reads the watchdog times. */
  private final class Watched implements ByteChannel {
    private final ByteChannel channel;
    /** 0 outside reads; else the read's sequence number shifted left by two, or'ed with its kind. */
    private final AtomicLong state = new AtomicLong();
    private long sequence;
    /** Whether the server has written since bytes last arrived: the next read waits for a request. */
    private boolean awaitingRequest = true;
    // sampler's own
    private long lastSeen;
    private long since;

    Watched(ByteChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
      state.lazySet((++sequence << 2) | (awaitingRequest ? IDLE : PARTIAL));
      int n;
      try {
        n = channel.read(target);
      } finally {
        state.lazySet(0);
      }
      if (n > 0) {
        awaitingRequest = false;
      }
      return n;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      awaitingRequest = true;
      return channel.write(source);
    }

    void sample(long now) {
      long s = state.get();
      if (s == 0 || s != lastSeen) {
        lastSeen = s;
        since = now;
        return;
      }
      boolean idle = (s & 3) == IDLE;
      long limit = idle ? idleNanos : readNanos;
      if (limit > 0 && now - since >= limit) {
        LOG.debug("{}: closing a connection {} for {} ms", name,
            idle ? "idle between requests" : "stalled mid-request", (now - since) / 1_000_000);
        watched.remove(this);
        try {
          channel.close();
        } catch (IOException e) {
          LOG.debug("close failed: {}", e.toString());
        }
      }
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
      watched.remove(this);
      channel.close();
    }
  }
}
