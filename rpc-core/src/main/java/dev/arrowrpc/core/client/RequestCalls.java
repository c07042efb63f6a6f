package dev.arrowrpc.core.client;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MethodSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Calls over a request/response transport: each unary call is one request; a stream is an {@code
 * /init} request followed by one {@code /exchange} request per turn, carrying the tokens the server
 * handed back. Safe for concurrent calls when the transport is.
 */
final class RequestCalls implements ClientCalls {
  /** How much of a refusal's body an error message quotes. */
  private static final int MAX_QUOTED_BODY = 2048;

  private final RequestTransport transport;
  private final BufferAllocator allocator;
  private final Consumer<LogMessage> onLog;
  private final ClientPointers pointers;

  RequestCalls(RequestTransport transport, BufferAllocator allocator, Consumer<LogMessage> onLog,
      ClientPointers pointers) {
    this.transport = transport;
    this.allocator = allocator;
    this.onLog = onLog;
    this.pointers = pointers;
  }

  /** Resolves pointer batches in responses. */
  ClientPointers pointers() {
    return pointers;
  }

  @Override
  public BufferAllocator allocator() {
    return allocator;
  }

  /** Delivers a server log message. */
  void deliver(LogMessage message) {
    ClientCodec.deliver(message, onLog);
  }

  @Override
  public Object unary(MethodSpec method, Object[] args, ProtocolId protocol) {
    BufferAllocator memory = allocator.newChildAllocator("call-" + method.name(), 0, Long.MAX_VALUE);
    try {
      byte[] body = request(method, args, protocol, memory);
      try (RequestTransport.Response response = post(protocol.name() + "/" + method.name(), body)) {
        return ClientCodec.unaryValue(method, ClientCodec.readResponse(
            response.body(), memory, allocator, this::deliver, ClientCodec.unaryDecoder(method), pointers));
      }
    } catch (IOException e) {
      throw transportFailure("call " + method.name(), e);
    } finally {
      ChannelCalls.closeQuietly(memory, method.name());
    }
  }

  @Override
  public Object openStream(MethodSpec method, Object[] args, ProtocolId protocol) {
    BufferAllocator memory = allocator.newChildAllocator("stream-" + method.name(), 0, Long.MAX_VALUE);
    RequestStream<?> stream = null;
    try {
      byte[] body = request(method, args, protocol, memory);
      try (RequestTransport.Response response = post(protocol.name() + "/" + method.name() + "/init", body)) {
        InputStream in = response.body();
        Record header = null;
        if (method.header().isPresent()) {
          header = ClientCodec.readResponse(in, memory, allocator, this::deliver, ClientCodec.headerDecoder(method),
                  pointers)
              .orElseThrow(() -> new RpcException("ProtocolError",
                  "the stream header of '" + method.name() + "' is missing"));
        }
        stream = switch (method.kind()) {
          case PRODUCER -> new RequestProducer<>(this, protocol, method, memory, header);
          case EXCHANGE -> new RequestExchange<>(this, protocol, method, memory, header);
          default -> new RequestBatchStream(this, protocol, method, memory, header);
        };
        stream.start(in);
        return stream;
      }
    } catch (IOException | RuntimeException e) {
      if (stream != null) {
        stream.abandon();
      } else {
        ChannelCalls.closeQuietly(memory, method.name());
      }
      throw e instanceof IOException io ? transportFailure("stream init " + method.name(), io) : (RuntimeException) e;
    }
  }

  @Override
  public void close() throws IOException {
    transport.close();
  }

  private static byte[] request(MethodSpec method, Object[] args, ProtocolId protocol,
      BufferAllocator memory) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    ClientCodec.writeRequest(body, method, args, protocol, memory);
    return body.toByteArray();
  }

  /**
   * Posts a request and returns its Arrow response; a response whose body is not Arrow (a 401, a
   * 413, a proxy's 502 page) becomes an {@link RpcException} quoting its status and text.
   *
   * @param route the route
   * @param body the request stream
   * @return the response, whose body is an Arrow IPC stream
   * @throws IOException when the transport fails
   */
  RequestTransport.Response post(String route, byte[] body) throws IOException {
    RequestTransport.Response response = transport.post(route, body);
    if (response.arrow()) {
      return response;
    }
    try (response) {
      throw refusal(response.status(), response.body());
    }
  }

  private static RpcException refusal(int status, InputStream body) throws IOException {
    byte[] head = body.readNBytes(MAX_QUOTED_BODY);
    String text = new String(head, StandardCharsets.UTF_8).strip();
    String type = switch (status) {
      case 401 -> "AuthenticationError";
      case 413 -> "PayloadTooLarge";
      default -> "TransportError";
    };
    return new RpcException(type, "HTTP " + status + (text.isEmpty() ? "" : ": " + text));
  }

  /** Turns an I/O failure into a {@code TransportError}. */
  RpcException transportFailure(String during, IOException cause) {
    RpcException error = new RpcException("TransportError", "transport failed during " + during + ": " + cause.getMessage());
    error.initCause(cause);
    return error;
  }
}
