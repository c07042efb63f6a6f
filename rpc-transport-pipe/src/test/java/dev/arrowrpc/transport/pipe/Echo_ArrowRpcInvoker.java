package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.generated.GeneratedInvoker;
import java.util.List;
import java.util.Optional;

/**
 * {@link Echo}'s generated class, written by hand in the shape rpc-codegen's processor writes (this
 * module's tests do not run the processor), with the client only: every client of {@code Echo} in
 * these tests is a generated client rather than a proxy (the server still reflects). Keep its
 * methods in step with {@code Echo}: a client naming other methods than the interface's is not used.
 */
public final class Echo_ArrowRpcInvoker implements GeneratedInvoker<Echo> {
  private static final List<String> CLIENT_METHODS =
      List.of("add", "echo", "fail", "interruptSelf", "shout", "sleep");

  /** Creates it; the runtime does. */
  public Echo_ArrowRpcInvoker() {}

  @Override
  public Class<Echo> service() {
    return Echo.class;
  }

  @Override
  public Optional<Method<Echo>> method(String name) {
    return Optional.empty();
  }

  @Override
  public List<String> clientMethods() {
    return CLIENT_METHODS;
  }

  @Override
  public Optional<Echo> client(Remote remote) {
    return Optional.of(new Client(remote));
  }

  /** The generated client. */
  private static final class Client implements Echo {
    private static final Object[] NO_ARGS = {};
    private final Remote remote;

    Client(Remote remote) {
      this.remote = remote;
    }

    @Override
    public String toString() {
      return remote.toString();
    }

    @Override
    public long add(long a, long b) {
      return (Long) remote.call(0, new Object[] {a, b});
    }

    @Override
    public String echo(String s) {
      return (String) remote.call(1, new Object[] {s});
    }

    @Override
    public void fail(String message) {
      remote.call(2, new Object[] {message});
    }

    @Override
    public String interruptSelf(String s) {
      return (String) remote.call(3, new Object[] {s});
    }

    @Override
    public void shout(String line) {
      remote.call(4, new Object[] {line});
    }

    @Override
    public void sleep(long millis) {
      remote.call(5, new Object[] {millis});
    }
  }
}
