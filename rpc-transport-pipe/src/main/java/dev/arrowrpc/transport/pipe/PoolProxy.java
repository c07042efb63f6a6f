package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.runtime.RpcClient;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A typed client whose every call takes a worker, makes the call on that worker's own client, and
 * gives the worker back; a call that opens a stream gives it back when the stream is closed. The
 * worker's failures are noted on it, so a worker whose channel broke is never handed out again.
 *
 * <p>When the interface has a generated client ({@link RpcClient#generatedClient}), the pool's
 * client is that class, and a call goes to the borrowed worker's generated calls by the method's
 * position ({@link RpcClient#remote}): no proxy and no reflection per call. Else it is a {@code
 * java.lang.reflect.Proxy} with this handler, calling the worker's proxy.
 */
final class PoolProxy implements InvocationHandler {
  /** What a client's stream handles are: a call returning one holds its worker until the handle is closed. */
  private static final List<Class<?>> STREAMS = List.of(Producer.class, Exchange.class, BatchStream.class);
  /** What a stream handle hands out that can fail in turn: iterating is where a producer's turns run. */
  private static final Set<Class<?>> ITERATION = Set.of(Iterator.class, Iterable.class, Spliterator.class);

  private final Class<?> service;
  private final Supplier<PooledWorker> take;
  private final Consumer<PooledWorker> giveBack;

  private PoolProxy(Class<?> service, Supplier<PooledWorker> take, Consumer<PooledWorker> giveBack) {
    this.service = service;
    this.take = take;
    this.giveBack = giveBack;
  }

  /**
   * Creates the client: the interface's generated client when it has one, else a proxy.
   *
   * @param service the service interface
   * @param take borrows a worker (may block, may throw)
   * @param giveBack returns a worker taken by {@code take}
   */
  static <T> T create(Class<T> service, Supplier<PooledWorker> take, Consumer<PooledWorker> giveBack) {
    if (!service.isInterface()) {
      throw new IllegalArgumentException(service.getName() + " is not an interface");
    }
    PoolProxy pool = new PoolProxy(service, take, giveBack);
    Optional<T> generated = RpcClient.generatedClient(service, pool.new Generated());
    return generated.orElseGet(() -> service.cast(
        Proxy.newProxyInstance(service.getClassLoader(), new Class<?>[] {service}, pool)));
  }

  /** {@return what the pool's client shows as its text} */
  @Override
  public String toString() {
    return service.getSimpleName() + " pool proxy";
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return objectMethod(proxy, method, args, toString());
    }
    if (method.isDefault()) {
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    return onBorrowedWorker(worker -> worker.proxy(service), target -> call(target, method, args));
  }

  /** What a pool client's call does with the client a borrowed worker has for the service. */
  @FunctionalInterface
  private interface WorkerCall<C> {
    Object call(C client) throws Throwable;
  }

  /**
   * Borrows a worker, makes a call on its client, and gives the worker back, or, when the call
   * opened a stream, once the stream is closed; a failure of the call is noted on the worker.
   *
   * @param client the worker's client for the service (an interface that cannot be mapped fails
   *     here, before anything is sent: the worker is fine)
   * @param call the call on it
   */
  private <C> Object onBorrowedWorker(Function<PooledWorker, C> client, WorkerCall<C> call) throws Throwable {
    PooledWorker worker = take.get();
    boolean handedOn = false;
    try {
      C target = client.apply(worker);
      Object result;
      try {
        result = call.call(target);
      } catch (Throwable failure) {
        worker.noteFailure(failure);
        throw failure;
      }
      Class<?> stream = streamType(result);
      if (stream != null) {
        handedOn = true;
        return holdWorker(stream, result, worker);
      }
      return result;
    } finally {
      if (!handedOn) {
        giveBack.accept(worker);
      }
    }
  }

  /** The generated client's calls: each on a borrowed worker's generated calls, by position. */
  private final class Generated implements GeneratedInvoker.Remote {
    @Override
    public Object call(int method, Object[] args) {
      try {
        return onBorrowedWorker(worker -> worker.remote(service), remote -> remote.call(method, args));
      } catch (RuntimeException | Error unchecked) {
        throw unchecked;
      } catch (Throwable checked) {
        // a generated client's calls throw nothing checked
        throw new IllegalStateException(checked);
      }
    }

    @Override
    public String toString() {
      return PoolProxy.this.toString();
    }
  }

  /** The stream handle type a call's result is, or null when it is none. */
  private static Class<?> streamType(Object result) {
    if (result != null) {
      for (Class<?> type : STREAMS) {
        if (type.isInstance(result)) {
          return type;
        }
      }
    }
    return null;
  }

  /** Notes a stream opened on the worker and wraps its handle: closing it gives the worker back. */
  private Object holdWorker(Class<?> type, Object handle, PooledWorker worker) {
    worker.streamOpened((AutoCloseable) handle);
    return guard(type, handle, worker, () -> giveBack.accept(worker));
  }

  /**
   * Calls a method on the worker's client: through its handler when it is a proxy (always, as the
   * pool's client is a proxy only when the worker's is), else by the method, with what it threw
   * rethrown as thrown.
   */
  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    if (Proxy.isProxyClass(target.getClass())) {
      return Proxy.getInvocationHandler(target).invoke(target, method, args);
    }
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * Wraps a stream handle (or what it iterates with) so that its failures are noted on the worker,
   * and, for the handle itself, so that closing it runs {@code onClose} once.
   */
  private static Object guard(Class<?> type, Object target, PooledWorker worker, Runnable onClose) {
    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        new Guard(target, worker, onClose));
  }

  private static Object objectMethod(Object proxy, Method method, Object[] args, String name) {
    return switch (method.getName()) {
      case "toString" -> name;
      case "hashCode" -> System.identityHashCode(proxy);
      case "equals" -> proxy == args[0];
      default -> throw new UnsupportedOperationException(method.getName());
    };
  }

  /** Forwards to a stream handle or its iterator, noting failures on the worker. */
  private static final class Guard implements InvocationHandler {
    private final Object target;
    private final PooledWorker worker;
    /** Run once when a stream handle is closed; null for an iterator. */
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    Guard(Object target, PooledWorker worker, Runnable onClose) {
      this.target = target;
      this.worker = worker;
      this.onClose = onClose;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return objectMethod(proxy, method, args, target + " on " + worker);
      }
      boolean closing = onClose != null && method.getName().equals("close") && method.getParameterCount() == 0;
      try {
        Object result = method.invoke(target, args);
        if (result != null && ITERATION.contains(method.getReturnType())) {
          return guard(method.getReturnType(), result, worker, null);
        }
        return result;
      } catch (InvocationTargetException e) {
        worker.noteFailure(e.getCause());
        throw e.getCause();
      } finally {
        if (closing && closed.compareAndSet(false, true)) {
          worker.streamClosed((AutoCloseable) target);
          onClose.run();
        }
      }
    }
  }
}
