package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every byte-channel transport must do. A subclass connects a client to a server serving
 * {@link Echo}; for an in-process server it builds it with {@link #newServer()}, so the server's
 * allocator is checked too.
 */
abstract class TransportContractTest {
  protected BufferAllocator clientAllocator;
  protected BufferAllocator serverAllocator;
  protected EchoImpl impl;
  protected RpcServer server;
  protected RpcClient client;
  protected Echo echo;

  /** Starts the server side and returns a client channel to it. */
  abstract ByteTransport open() throws Exception;

  /** Stops the server side; the client is closed already. Idempotent. */
  abstract void shutdown() throws Exception;

  /** Builds an in-process server on {@link #serverAllocator}. */
  protected RpcServer newServer() {
    serverAllocator = new RootAllocator();
    impl = new EchoImpl();
    server = RpcServer.builder(Echo.class, impl).allocator(serverAllocator).serverId("test").build();
    return server;
  }

  @BeforeEach
  void connect() throws Exception {
    clientAllocator = new RootAllocator();
    client = RpcClient.builder(open()).allocator(clientAllocator).build();
    echo = client.proxy(Echo.class);
  }

  @AfterEach
  void disconnect() throws Exception {
    try {
      client.close();
      shutdown();
      if (server != null) {
        server.close();
      }
    } finally {
      clientAllocator.close();
      if (serverAllocator != null) {
        serverAllocator.close();
      }
    }
  }

  /** Closes both sides, then checks that neither holds Arrow memory. */
  protected void closeAndAssertNoMemoryHeld() throws Exception {
    client.close();
    shutdown();
    assertEquals(0, clientAllocator.getAllocatedMemory(), "client allocator");
    if (serverAllocator != null) {
      assertEquals(0, serverAllocator.getAllocatedMemory(), "server allocator");
    }
  }

  @Test
  void theClientIsTheGeneratedOne() {
    // Echo_ArrowRpcInvoker (hand-written in the processor's shape) names Echo's methods: keep it in step
    assertFalse(java.lang.reflect.Proxy.isProxyClass(echo.getClass()), echo.getClass().getName());
    assertEquals("Echo proxy", echo.toString());
    assertEquals(5, echo.add(2, 3));
  }

  @Test
  void unaryCallsReturnTheirValues() {
    assertEquals("hello", echo.echo("hello"));
    assertEquals("grüße ✓", echo.echo("grüße ✓"));
    assertEquals(42L, echo.add(40, 2));
    assertEquals(Long.MIN_VALUE, echo.add(Long.MAX_VALUE, 1));
  }

  @Test
  void aThrowingMethodRaisesValueErrorAndTheConnectionServesTheNextCall() {
    RpcException error = assertThrows(RpcException.class, () -> echo.fail("bad input"));
    assertEquals("ValueError", error.errorType());
    assertTrue(error.errorMessage().contains("bad input"), error.errorMessage());
    assertEquals(3L, echo.add(1, 2));
    RpcException again = assertThrows(RpcException.class, () -> echo.fail("twice"));
    assertEquals("ValueError", again.errorType());
    assertEquals("still here", echo.echo("still here"));
  }

  @Test
  void anInterruptLeftPendingByAMethodDoesNotBreakTheConnection() {
    assertEquals("first", echo.interruptSelf("first"));
    assertEquals("second", echo.interruptSelf("second"));
    assertEquals("after", echo.echo("after"));
  }

  @Test
  void largePayloadsCrossInBothDirections() {
    String big = "0123456789abcdef".repeat(80_000); // 1.25 MB: several buffers and chunks
    assertEquals(big, echo.echo(big));
    assertEquals("small", echo.echo("small"));
  }

  @Test
  void manyCallsInARow() {
    for (int i = 0; i < 300; i++) {
      assertEquals(i + 1L, echo.add(i, 1));
    }
  }

  @Test
  void describeListsTheMethods() {
    ServiceDescription description = client.describe();
    assertEquals("Echo", description.protocol());
    assertTrue(description.method("echo").isPresent(), description.methods().toString());
    assertTrue(description.method("fail").isPresent(), description.methods().toString());
  }

  @Test
  void allocatorsHoldNoMemoryAfterCalls() throws Exception {
    echo.echo("x".repeat(100_000));
    echo.add(1, 2);
    assertThrows(RpcException.class, () -> echo.fail("leak check"));
    client.describe();
    assertEquals(0, clientAllocator.getAllocatedMemory(), "client allocator between calls");
    closeAndAssertNoMemoryHeld();
  }
}
