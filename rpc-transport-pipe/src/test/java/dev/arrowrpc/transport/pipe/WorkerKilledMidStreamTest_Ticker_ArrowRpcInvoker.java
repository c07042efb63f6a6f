package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.transport.pipe.WorkerKilledMidStreamTest.Tick;
import dev.arrowrpc.transport.pipe.WorkerKilledMidStreamTest.Ticker;
import java.util.List;
import java.util.Optional;

/**
 * {@link Ticker}'s generated class, written by hand in the shape rpc-codegen's processor writes
 * (client only, like {@link Echo_ArrowRpcInvoker}): every client of {@code Ticker} in these tests,
 * a worker pool's included, is a generated client whose stream method returns the stream its
 * remote opens. Keep its methods in step with {@code Ticker}.
 */
public final class WorkerKilledMidStreamTest_Ticker_ArrowRpcInvoker implements GeneratedInvoker<Ticker> {
  private static final List<String> CLIENT_METHODS = List.of("ticks");

  /** Creates it; the runtime does. */
  public WorkerKilledMidStreamTest_Ticker_ArrowRpcInvoker() {}

  @Override
  public Class<Ticker> service() {
    return Ticker.class;
  }

  @Override
  public Optional<Method<Ticker>> method(String name) {
    return Optional.empty();
  }

  @Override
  public List<String> clientMethods() {
    return CLIENT_METHODS;
  }

  @Override
  public Optional<Ticker> client(Remote remote) {
    return Optional.of(new Client(remote));
  }

  /** The generated client. */
  private static final class Client implements Ticker {
    private final Remote remote;

    Client(Remote remote) {
      this.remote = remote;
    }

    @Override
    public String toString() {
      return remote.toString();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Producer<Tick> ticks(long count) {
      return (Producer<Tick>) remote.call(0, new Object[] {count});
    }
  }
}
