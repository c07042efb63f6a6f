package dev.arrowrpc.core.client;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.schema.MethodSpec;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;

/**
 * How a client's calls reach the server: over a byte channel (one call at a time, streams in
 * lockstep on the channel) or over a request/response transport (every call and every stream turn
 * a request of its own). The typed proxy ({@link ProxyHandler}) runs over either.
 */
public interface ClientCalls extends AutoCloseable {
  /**
   * Calls over a byte channel.
   *
   * @param transport the channel
   * @param allocator where results are allocated
   * @param onLog receives the server's log messages, or null
   * @return the calls
   */
  static ClientCalls overChannel(ByteTransport transport, BufferAllocator allocator, Consumer<LogMessage> onLog) {
    return overChannel(transport, allocator, onLog, java.util.Optional.empty());
  }

  /**
   * Calls over a byte channel, resolving pointer batches in responses.
   *
   * @param transport the channel
   * @param allocator where results are allocated
   * @param onLog receives the server's log messages, or null
   * @param fetcher fetches the objects pointer batches name
   * @return the calls
   */
  static ClientCalls overChannel(ByteTransport transport, BufferAllocator allocator, Consumer<LogMessage> onLog,
      java.util.Optional<dev.arrowrpc.core.external.ExternalFetcher> fetcher) {
    return new ChannelCalls(new ClientSession(transport, allocator, onLog, fetcher));
  }

  /**
   * Calls over a request/response transport.
   *
   * @param transport the transport
   * @param allocator where results are allocated
   * @param onLog receives the server's log messages, or null
   * @return the calls
   */
  static ClientCalls overRequests(RequestTransport transport, BufferAllocator allocator,
      Consumer<LogMessage> onLog) {
    return overRequests(transport, allocator, onLog, java.util.Optional.empty());
  }

  /**
   * Calls over a request/response transport, resolving pointer batches in responses.
   *
   * @param transport the transport
   * @param allocator where results are allocated
   * @param onLog receives the server's log messages, or null
   * @param fetcher fetches the objects pointer batches name
   * @return the calls
   */
  static ClientCalls overRequests(RequestTransport transport, BufferAllocator allocator,
      Consumer<LogMessage> onLog, java.util.Optional<dev.arrowrpc.core.external.ExternalFetcher> fetcher) {
    return new RequestCalls(transport, allocator, onLog, new ClientPointers(fetcher));
  }

  /** The allocator results are allocated from (results that are Arrow data belong to the caller). */
  BufferAllocator allocator();

  /**
   * Runs a unary call.
   *
   * @param method the method
   * @param args the arguments, in declaration order (null when there are none)
   * @param protocol the protocol addressed
   * @return the result (null for void methods)
   */
  Object unary(MethodSpec method, Object[] args, ProtocolId protocol);

  /**
   * Opens a stream.
   *
   * @param method the stream method
   * @param args the arguments, in declaration order (null when there are none)
   * @param protocol the protocol addressed
   * @return the client side of the stream: a {@code Producer}, {@code Exchange} or {@code BatchStream}
   */
  Object openStream(MethodSpec method, Object[] args, ProtocolId protocol);

  /** Closes the channel or transport. */
  @Override
  void close() throws IOException;
}
