package dev.arrowrpc.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.testing.Loopback;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A generated client routed by the caller ({@link RpcClient#generatedClient}) to a client's calls
 * ({@link RpcClient#remote}), as a worker pool routes each call to a worker: the same class as the
 * client's own, calling by position, with the same results and errors; none for an interface
 * without a generated client.
 */
class RoutedClientTest {
  /** A service with a hand-written generated client ({@link RoutedClientTest_Adder_ArrowRpcInvoker}). */
  @RpcService
  public interface Adder {
    /** Adds. */
    long add(long a, long b);

    /** Throws a {@code ValueError} with the message. */
    void fail(String message);
  }

  /** The same service with no generated class. */
  @RpcService(name = "Adder")
  public interface PlainAdder {
    /** Adds. */
    long add(long a, long b);
  }

  /** Adds; fails as asked. */
  static final class AdderImpl implements Adder, PlainAdder {
    @Override
    public long add(long a, long b) {
      return a + b;
    }

    @Override
    public void fail(String message) {
      throw new IllegalArgumentException(message);
    }
  }

  private Loopback loopback;

  @BeforeEach
  void open() throws Exception {
    loopback = new Loopback(Adder.class, new AdderImpl());
  }

  @AfterEach
  void close() throws Exception {
    assertEquals(0, loopback.clientBytes());
    assertEquals(0, loopback.serverBytes());
    loopback.close();
  }

  @Test
  void aRoutedGeneratedClientCallsTheClientsRemoteByPosition() {
    RpcClient client = loopback.client();
    Adder own = client.proxy(Adder.class);
    assertFalse(Proxy.isProxyClass(own.getClass()), own.getClass().getName());
    GeneratedInvoker.Remote remote = client.remote(Adder.class).orElseThrow();
    assertSame(remote, client.remote(Adder.class).orElseThrow(), "cached with the proxy");
    assertEquals("Adder proxy", remote.toString());
    List<Integer> positions = new ArrayList<>();
    Adder routed = RpcClient.generatedClient(Adder.class, (method, args) -> {
      positions.add(method);
      return remote.call(method, args);
    }).orElseThrow();
    assertEquals(own.getClass(), routed.getClass());
    assertEquals(42, routed.add(40, 2));
    RpcException error = assertThrows(RpcException.class, () -> routed.fail("boom"));
    assertEquals("ValueError", error.errorType());
    assertEquals("boom", error.errorMessage());
    List<String> names = GeneratedInvoker.find(Adder.class).orElseThrow().clientMethods();
    assertEquals(List.of(names.indexOf("add"), names.indexOf("fail")), positions);
  }

  @Test
  void anInterfaceWithoutAGeneratedClientHasNoRemote() {
    RpcClient client = loopback.client();
    PlainAdder plain = client.proxy(PlainAdder.class);
    assertTrue(Proxy.isProxyClass(plain.getClass()), plain.getClass().getName());
    assertEquals(5, plain.add(2, 3));
    assertTrue(client.remote(PlainAdder.class).isEmpty());
    assertTrue(RpcClient.generatedClient(PlainAdder.class, (method, args) -> null).isEmpty());
  }
}
