package dev.arrowrpc.core.client;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.external.ExternalFetcher;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.wire.WireInput;
import dev.arrowrpc.core.wire.WireOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The client end of one byte channel: writes requests, reads responses, delivers logs, turns error
 * batches into {@link RpcException}s and transport failures into {@code TransportError}s. One call
 * at a time; an open stream holds the channel until it is closed.
 */
public final class ClientSession implements AutoCloseable {
  private final ByteTransport transport;
  private final InputStream in;
  private final OutputStream out;
  private final BufferAllocator allocator;
  private final Consumer<LogMessage> onLog;
  private final ClientPointers pointers;
  private Object activeStream;
  private volatile boolean broken;
  private boolean closed;

  /**
   * Creates a session over a channel.
   *
   * @param transport the channel
   * @param allocator where results are allocated (results that are Arrow data belong to the caller)
   * @param onLog receives the server's log messages (they are also logged through SLF4J)
   */
  public ClientSession(ByteTransport transport, BufferAllocator allocator, Consumer<LogMessage> onLog) {
    this(transport, allocator, onLog, Optional.empty());
  }

  /**
   * Creates a session over a channel that resolves pointer batches in responses.
   *
   * @param transport the channel
   * @param allocator where results are allocated (results that are Arrow data belong to the caller)
   * @param onLog receives the server's log messages (they are also logged through SLF4J)
   * @param fetcher fetches the objects pointer batches name; empty: a pointer is an error
   */
  public ClientSession(ByteTransport transport, BufferAllocator allocator, Consumer<LogMessage> onLog,
      Optional<ExternalFetcher> fetcher) {
    this.pointers = new ClientPointers(fetcher);
    this.transport = transport;
    this.in = new WireInput(transport.input(), 1 << 16);
    this.out = new WireOutput(transport.output(), 1 << 16);
    this.allocator = allocator;
    this.onLog = onLog;
  }

  /** The allocator results are allocated from. */
  public BufferAllocator allocator() {
    return allocator;
  }

  ClientPointers pointers() {
    return pointers;
  }

  InputStream in() {
    return in;
  }

  OutputStream out() {
    return out;
  }

  /** Marks the start of a call; fails when the channel is busy or unusable. */
  synchronized void begin(Object stream) {
    if (closed) {
      throw new RpcException("ProtocolError", "the connection is closed");
    }
    if (broken) {
      throw new RpcException("TransportError", "the connection failed earlier and cannot be reused"
          + hint());
    }
    if (activeStream != null) {
      throw new RpcException("ProtocolError",
          "the connection is busy with an open stream: close the stream before the next call");
    }
    activeStream = stream;
  }

  /** Marks the end of the current call. */
  synchronized void end(Object stream) {
    if (activeStream == stream) {
      activeStream = null;
    }
  }

  /** Turns an I/O failure into a {@code TransportError} and marks the channel unusable. */
  RpcException transportFailure(String during, Exception cause) {
    broken = true;
    RpcException error = new RpcException("TransportError",
        "transport failed during " + during + ": " + cause.getMessage() + hint());
    error.initCause(cause);
    return error;
  }

  private String hint() {
    String hint = transport.failureHint();
    return hint.isEmpty() ? "" : " (" + hint + ")";
  }

  /** Delivers a server log message (to SLF4J and the client's callback). */
  void deliver(LogMessage message) {
    ClientCodec.deliver(message, onLog);
  }

  /**
   * Writes a request stream: the parameters as one row, with the dispatch metadata.
   *
   * @param spec the method
   * @param args the arguments, in declaration order
   * @param protocol the protocol addressed
   * @param memory scratch memory for the request batch
   * @throws IOException when the channel fails
   */
  void writeRequest(MethodSpec spec, Object[] args, ProtocolId protocol,
      BufferAllocator memory) throws IOException {
    ClientCodec.writeRequest(out, spec, args, protocol, memory);
  }

  /**
   * Reads a response stream holding logs and at most one data batch, decoding the data with the
   * given function. Errors are raised after the stream has been read to its end, so the channel
   * stays in step.
   *
   * @param memory the call's scratch memory
   * @param decoder turns the data batch into the call's value
   * @return the decoded value, or empty when the stream held no data batch
   * @throws IOException when the channel fails
   */
  <T> Optional<T> readResponse(BufferAllocator memory, ClientCodec.BatchDecoder<T> decoder) throws IOException {
    return ClientCodec.readResponse(in, memory, allocator, this::deliver, decoder, pointers);
  }

  /** Closes the channel. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      out.flush();
    } catch (IOException ignored) {
      // the peer may be gone already
    }
    transport.close();
  }
}
