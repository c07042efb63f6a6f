package dev.arrowrpc.core.testing;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.runtime.RpcClient;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A client connected to a server for a test, whatever carries the bytes: an in-process loopback,
 * a subprocess worker. Tests written against it run over every transport.
 */
public interface Harness extends AutoCloseable {
  /** The typed proxy. */
  <T> T proxy(Class<T> service);

  /** The client. */
  RpcClient client();

  /** Log messages the client received. */
  List<LogMessage> logs();

  /** Bytes held by the client's allocator. */
  long clientBytes();

  /**
   * Bytes held by the server's allocator, where the server is in this JVM; a server in another
   * process reports 0 here and proves it is empty when it exits (see {@link #close()}).
   */
  long serverBytes();

  /** The client allocator (for results that are Arrow data). */
  BufferAllocator clientAllocator();

  /** A failure that ended the server, if any (null when none or unknown). */
  Throwable serverFailure();

  /** Closes the client and the server; fails when the server leaked memory. */
  @Override
  void close() throws Exception;
}
