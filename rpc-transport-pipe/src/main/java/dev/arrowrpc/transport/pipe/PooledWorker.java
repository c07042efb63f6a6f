package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.runtime.RpcClient;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of a {@link WorkerPool}: the process, the one client over its pipes, and what the pool
 * knows of its health. A worker is borrowed by one caller at a time; the fields the caller changes
 * are read by the pool when the worker comes back.
 */
final class PooledWorker {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

  private final List<String> command;
  private final Subprocess process;
  private final RpcClient client;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Set when a call showed that the channel is out of step or gone. */
  private volatile boolean broken;
  /** Streams opened on this worker and not yet closed (the client's own handles). */
  private final Set<AutoCloseable> openStreams = ConcurrentHashMap.newKeySet();
  /** When the worker was last put back into the idle set ({@link System#nanoTime()}). */
  private long idleSince;

  PooledWorker(List<String> command, Subprocess process, RpcClient client) {
    this.command = command;
    this.process = process;
    this.client = client;
  }

  List<String> command() {
    return command;
  }

  ProcessHandle processHandle() {
    return process.processHandle();
  }

  /** The worker's typed proxy (cached by its client). */
  <T> T proxy(Class<T> service) {
    return client.proxy(service);
  }

  /**
   * The calls of the worker's generated client of a service, by method position (cached by its
   * client). Asked only for an interface the pool has a generated client of, which the worker's
   * client has by the same rule.
   */
  GeneratedInvoker.Remote remote(Class<?> service) {
    Optional<GeneratedInvoker.Remote> remote = client.remote(service);
    if (remote.isEmpty()) {
      throw new IllegalStateException("the client of " + this + " has no generated client of " + service.getName());
    }
    return remote.get();
  }

  /**
   * Notes how a call on this worker failed: an error the server sent in step (a {@code ValueError}
   * raised by the method, say) leaves the channel usable; a {@code TransportError} or {@code
   * ProtocolError}, or any failure that is not an {@link RpcException}, may have left it out of
   * step, so the worker is never handed out again.
   */
  void noteFailure(Throwable failure) {
    if (!(failure instanceof RpcException error)
        || "TransportError".equals(error.errorType())
        || "ProtocolError".equals(error.errorType())) {
      broken = true;
    }
  }

  void streamOpened(AutoCloseable stream) {
    openStreams.add(stream);
  }

  void streamClosed(AutoCloseable stream) {
    openStreams.remove(stream);
  }

  /**
   * Closes the streams left open on this worker, once it is ended: their handles give back their
   * memory. Called by the thread that returned the worker, never while another uses them.
   */
  void closeAbandonedStreams() {
    for (AutoCloseable stream : List.copyOf(openStreams)) {
      openStreams.remove(stream);
      try {
        stream.close();
      } catch (Exception e) {
        LOG.debug("closing a stream left open on {} failed", this, e);
      }
    }
  }

  /**
   * Whether the worker may serve another caller: alive, its channel in step, no stream left open.
   */
  boolean healthy() {
    // Process.isAlive is a field read; ProcessHandle.isAlive would read /proc on every borrow
    return !broken && !closed.get() && openStreams.isEmpty() && process.exitStatus().isEmpty();
  }

  void idleSince(long nanos) {
    this.idleSince = nanos;
  }

  long idleSince() {
    return idleSince;
  }

  /** Ends the worker in order: closes its stdin, waits for it to exit (then destroys it). */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      client.close();
    } catch (RuntimeException e) {
      LOG.debug("closing the client of worker {} failed", process, e);
    } finally {
      process.close();
    }
  }

  /** Ends the worker at once: destroys the process (a caller blocked on it sees the end of input). */
  void kill() {
    process.processHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.processHandle().destroyForcibly();
    close();
  }

  @Override
  public String toString() {
    return "worker[pid=" + process.processHandle().pid() + "]";
  }
}
