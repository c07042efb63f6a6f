package dev.arrowrpc.core.client;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MarshalException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ReadContext;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.Keys;
import dev.arrowrpc.core.wire.LogBatches;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client end of one byte channel: writes requests, reads responses, delivers logs, turns error
 * batches into {@link RpcException}s and transport failures into {@code TransportError}s. One call
 * at a time; an open stream holds the channel until it is closed.
 */
public final class ClientSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.arrowrpc.remote");

  private final ByteTransport transport;
  private final InputStream in;
  private final OutputStream out;
  private final BufferAllocator allocator;
  private final Consumer<LogMessage> onLog;
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
    this.transport = transport;
    this.in = new BufferedInputStream(transport.input(), 1 << 16);
    this.out = new BufferedOutputStream(transport.output(), 1 << 16);
    this.allocator = allocator;
    this.onLog = onLog;
  }

  /** The allocator results are allocated from. */
  public BufferAllocator allocator() {
    return allocator;
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

  /** Delivers a server log message. */
  void deliver(LogMessage message) {
    switch (message.level()) {
      case ERROR, EXCEPTION -> LOG.error("{} {}", message.message(), message.extra());
      case WARN -> LOG.warn("{} {}", message.message(), message.extra());
      case INFO -> LOG.info("{} {}", message.message(), message.extra());
      case DEBUG -> LOG.debug("{} {}", message.message(), message.extra());
      case TRACE -> LOG.trace("{} {}", message.message(), message.extra());
    }
    if (onLog != null) {
      onLog.accept(message);
    }
  }

  /**
   * Writes a request stream: the parameters as one row, with the dispatch metadata.
   *
   * @param spec the method
   * @param args the arguments, in declaration order
   * @param protocolVersion the service's declared version, if any
   * @param memory scratch memory for the request batch
   * @throws IOException when the channel fails
   */
  void writeRequest(MethodSpec spec, Object[] args, Optional<String> protocolVersion,
      BufferAllocator memory) throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(Keys.METHOD, spec.name());
    metadata.put(Keys.REQUEST_VERSION, Keys.REQUEST_VERSION_VALUE);
    protocolVersion.ifPresent(v -> metadata.put(Keys.PROTOCOL_VERSION, v));
    Object[] values = args == null ? new Object[0] : args;
    Batch batch;
    try {
      batch = spec.params().encode(1, (row, column) -> values[column], memory);
    } catch (MarshalException e) {
      throw new RpcException("TypeError", "cannot send '" + spec.name() + "': " + e.getMessage());
    }
    try (batch; IpcStreamWriter writer = IpcStreamWriter.start(out, spec.params().schema())) {
      writer.write(batch, metadata);
    }
  }

  /**
   * Writes a {@code __describe__} request: an empty schema, one row, the dispatch metadata.
   *
   * @param memory scratch memory
   * @throws IOException when the channel fails
   */
  void writeDescribeRequest(BufferAllocator memory) throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(Keys.METHOD, dev.arrowrpc.core.server.Describe.METHOD);
    metadata.put(Keys.REQUEST_VERSION, Keys.REQUEST_VERSION_VALUE);
    try (org.apache.arrow.vector.VectorSchemaRoot root =
            org.apache.arrow.vector.VectorSchemaRoot.create(MethodSpec.EMPTY_SCHEMA, memory);
        IpcStreamWriter writer = IpcStreamWriter.start(out, MethodSpec.EMPTY_SCHEMA)) {
      root.setRowCount(1);
      writer.write(root, metadata);
    }
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
  <T> Optional<T> readResponse(BufferAllocator memory, BatchDecoder<T> decoder) throws IOException {
    IpcStreamReader reader = IpcStreamReader.open(in, memory)
        .orElseThrow(() -> new java.io.EOFException("the server closed the connection"));
    try (reader) {
      T value = null;
      boolean seen = false;
      RpcException error = null;
      RuntimeException decodeFailure = null;
      while (reader.next()) {
        LogBatches.Kind kind = LogBatches.classify(reader.root().getRowCount(), reader.metadata());
        if (kind instanceof LogBatches.Log log) {
          deliver(log.message());
        } else if (kind instanceof LogBatches.Error e) {
          error = error == null ? e.error() : error;
        } else if (!seen) {
          seen = true;
          try {
            value = decoder.decode(reader, new ReadContext(reader, allocator));
          } catch (RuntimeException e) {
            decodeFailure = e;
          }
        }
      }
      if (error != null) {
        throw error;
      }
      if (decodeFailure != null) {
        throw decodeFailure instanceof MarshalException
            ? new RpcException("TypeError", "cannot decode the response: " + decodeFailure.getMessage())
            : decodeFailure;
      }
      return seen ? Optional.ofNullable(value) : Optional.empty();
    }
  }

  /** Decodes the data batch of a response. */
  @FunctionalInterface
  interface BatchDecoder<T> {
    T decode(IpcStreamReader reader, ReadContext context);
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
