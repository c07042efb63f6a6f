package dev.arrowrpc.transport.pipe;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker borrowed from a {@link WorkerPool} for several calls in a row ({@link
 * WorkerPool#borrow}): every call made through its proxies goes to the same process, one at a time.
 * Closing the lease gives the worker back; a worker that died, whose channel broke, or that still
 * has a stream open is ended instead of being handed out again.
 *
 * <pre>{@code
 * try (WorkerLease lease = pool.borrow()) {
 *   Session session = lease.proxy(Session.class);
 *   session.open("report");
 *   session.append(rows);
 * }
 * }</pre>
 *
 * <p>A lease serves one caller at a time, like the client over one worker's pipes.
 */
public final class WorkerLease implements AutoCloseable {
  private final WorkerPool pool;
  private final PooledWorker worker;
  private final AtomicBoolean closed = new AtomicBoolean();

  WorkerLease(WorkerPool pool, PooledWorker worker) {
    this.pool = pool;
    this.worker = worker;
  }

  /**
   * A typed proxy over this lease's worker. Stream handles it returns must be closed before the
   * lease is, or the worker is ended rather than reused.
   *
   * @param service the {@code @RpcService} interface
   * @param <T> the service type
   * @return the proxy; calling it after the lease is closed throws {@link IllegalStateException}
   * @throws IllegalArgumentException when {@code service} is not an interface
   */
  public <T> T proxy(Class<T> service) {
    return PoolProxy.create(service, () -> {
      if (closed.get()) {
        throw new IllegalStateException("the worker lease is closed");
      }
      return worker;
    }, returned -> {});
  }

  /**
   * The worker process, for its pid or to watch it.
   *
   * @return the process handle
   */
  public ProcessHandle processHandle() {
    return worker.processHandle();
  }

  /** Gives the worker back to the pool (or ends it, when it is no longer fit to serve). Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      pool.release(worker);
    }
  }

  @Override
  public String toString() {
    return "WorkerLease[" + worker + "]";
  }
}
