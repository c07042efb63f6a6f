package dev.arrowrpc.core.runtime;

import dev.arrowrpc.core.generated.GeneratedInvoker;
import java.util.List;
import java.util.Optional;

/**
 * {@link RoutedClientTest.Adder}'s generated class, written by hand in the shape rpc-codegen's
 * processor writes, with the client only. Keep its methods in step with {@code Adder}.
 */
public final class RoutedClientTest_Adder_ArrowRpcInvoker implements GeneratedInvoker<RoutedClientTest.Adder> {
  private static final List<String> CLIENT_METHODS = List.of("add", "fail");

  /** Creates it; the runtime does. */
  public RoutedClientTest_Adder_ArrowRpcInvoker() {}

  @Override
  public Class<RoutedClientTest.Adder> service() {
    return RoutedClientTest.Adder.class;
  }

  @Override
  public Optional<Method<RoutedClientTest.Adder>> method(String name) {
    return Optional.empty();
  }

  @Override
  public List<String> clientMethods() {
    return CLIENT_METHODS;
  }

  @Override
  public Optional<RoutedClientTest.Adder> client(Remote remote) {
    return Optional.of(new Client(remote));
  }

  /** The generated client. */
  private static final class Client implements RoutedClientTest.Adder {
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
    public void fail(String message) {
      remote.call(1, new Object[] {message});
    }
  }
}
