package dev.arrowrpc.core.client;

import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.RpcException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Carries calls over a request/response transport: a unary call is one request; a stream is an
 * opening request followed by one request per turn ({@link RequestTurns}), carrying the tokens the
 * server handed back. Safe for concurrent calls when the transport is.
 */
final class RequestCarrier implements CallCarrier {
  private final RequestTransport transport;
  private final AnswerReader answers;

  RequestCarrier(RequestTransport transport, AnswerReader answers) {
    this.transport = transport;
    this.answers = answers;
  }

  @Override
  public AnswerReader answers() {
    return answers;
  }

  /** Sends one later turn of a stream; the answer is an Arrow IPC stream the caller closes. */
  InputStream turn(ProtocolId protocol, String method, byte[] body) throws IOException {
    return transport.call(protocol.name(), method, RequestTransport.Kind.TURN, body);
  }

  @Override
  public <T> Optional<T> unary(Call call, ClientCodec.BatchDecoder<T> decoder) throws IOException {
    try (InputStream in = transport.call(call.protocol().name(), call.name(),
        RequestTransport.Kind.UNARY, call.bytes())) {
      return answers.read(in, call.memory(), decoder);
    }
  }

  @Override
  public <T> TurnCarrier<T> open(Call call, TurnCarrier.OutputDecoder<T> decoder) throws IOException {
    RequestTurns<T> turns = null;
    try (InputStream in = transport.call(call.protocol().name(), call.name(), RequestTransport.Kind.INIT,
        call.bytes())) {
      Optional<Record> header = Optional.empty();
      if (call.header().isPresent()) {
        header = Optional.of(answers.read(in, call.memory(), call.header().get())
            .orElseThrow(() -> new RpcException("ProtocolError",
                "the stream header of '" + call.name() + "' is missing")));
      }
      turns = new RequestTurns<>(this, call.protocol(), call.name(), call.memory(), header, decoder);
      turns.start(in);
      return turns;
    } catch (IOException | RuntimeException e) {
      if (turns != null) {
        turns.close();
      }
      throw e;
    }
  }

  @Override
  public RpcException transportFailure(String during, IOException cause) {
    RpcException error = new RpcException("TransportError",
        "transport failed during " + during + ": " + cause.getMessage());
    error.initCause(cause);
    return error;
  }

  @Override
  public void close() throws IOException {
    transport.close();
  }
}
