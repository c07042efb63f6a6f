package dev.arrowrpc.transport.pipe;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a launcher's lock file, held by one thread of one process at a time: a lock
 * of this JVM first (a process's file locks do not exclude its own threads, and closing any channel
 * on the file would drop them), then the file lock, which the kernel releases when the process
 * dies. The file stays in place on release, so waiters lock the same file.
 */
final class LaunchLock implements AutoCloseable {
  private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
  private static final long POLL_MILLIS = 10;

  private final ReentrantLock local;
  private final FileChannel channel;
  private final FileLock lock;

  private LaunchLock(ReentrantLock local, FileChannel channel, FileLock lock) {
    this.local = local;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock, waiting at most {@code timeout}.
   *
   * @param file the lock file (created if absent)
   * @param timeout how long to wait
   * @return the held lock
   * @throws IOException when the file cannot be opened, or the lock is not free within the timeout
   */
  static LaunchLock acquire(Path file, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ReentrantLock local = IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new ReentrantLock());
    if (local.isHeldByCurrentThread()) {
      throw new IllegalStateException("this thread already holds " + file);
    }
    try {
      if (!local.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw timedOut(file, timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + file, e);
    }
    boolean held = false;
    FileChannel channel = null;
    try {
      channel = open(file);
      while (true) {
        FileLock lock = tryLock(channel);
        if (lock != null) {
          held = true;
          return new LaunchLock(local, channel, lock);
        }
        if (System.nanoTime() - deadline >= 0) {
          throw timedOut(file, timeout);
        }
        try {
          Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for " + file, e);
        }
      }
    } finally {
      if (!held) {
        if (channel != null) {
          channel.close();
        }
        local.unlock();
      }
    }
  }

  /**
   * Takes the lock if it is free now.
   *
   * @param file the lock file (created if absent)
   * @return the held lock, or empty when another thread or process holds it
   * @throws IOException when the file cannot be opened
   */
  static Optional<LaunchLock> tryAcquire(Path file) throws IOException {
    ReentrantLock local = IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new ReentrantLock());
    if (local.isHeldByCurrentThread() || !local.tryLock()) {
      return Optional.empty();
    }
    boolean held = false;
    FileChannel channel = null;
    try {
      channel = open(file);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        return Optional.empty();
      }
      held = true;
      return Optional.of(new LaunchLock(local, channel, lock));
    } finally {
      if (!held) {
        if (channel != null) {
          channel.close();
        }
        local.unlock();
      }
    }
  }

  private static FileChannel open(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // cannot happen while the in-process lock is held; treated as busy
    }
  }

  private static IOException timedOut(Path file, Duration timeout) {
    return new IOException("cannot lock " + file + " within " + timeout.toMillis()
        + " ms: another launcher holds it");
  }

  /** Releases the file lock, then this JVM's. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
      channel.close();
    } finally {
      local.unlock();
    }
  }
}
