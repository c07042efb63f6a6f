package dev.arrowrpc.core.client;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MethodSpec;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What a transport family supplies to carry one client's calls: it sends a call's request and
 * reads the answer, and opens the {@link TurnCarrier} of a stream. Two families today: a byte
 * channel ({@link ChannelCarrier}: one long IPC conversation, one call at a time) and a
 * request/response transport ({@link RequestCarrier}: one request per call and per stream turn,
 * with state tokens). Everything above it ({@link ClientCalls}, the stream handles) is written once.
 */
interface CallCarrier extends Closeable {
  /** How answers are taken in: the results' allocator, the log listener, the pointer resolver. */
  AnswerReader answers();

  /** The allocator results are allocated from (results that are Arrow data belong to the caller). */
  default BufferAllocator allocator() {
    return answers().results();
  }

  /**
   * Sends a unary call and reads its answer: logs are delivered, an error batch is raised after
   * the answer has been read to its end.
   *
   * @param call the call
   * @param decoder turns the answer's data batch into the call's value
   * @return the value, or empty when the answer held no data batch
   * @throws IOException when the transport fails
   */
  <T> Optional<T> unary(Call call, ClientCodec.BatchDecoder<T> decoder) throws IOException;

  /**
   * Opens a stream: sends the call and reads what opening answers (the header when the method
   * declares one). From a successful return the turn carrier owns the call's memory; on a failure
   * the carrier has released what it held, and the caller closes the memory.
   *
   * @param call the call
   * @param decoder turns each output batch of the stream into what a turn returns
   * @return the stream's turns
   * @throws IOException when the transport fails
   */
  <T> TurnCarrier<T> open(Call call, TurnCarrier.OutputDecoder<T> decoder) throws IOException;

  /**
   * Turns an I/O failure into a {@code TransportError} (a byte channel also becomes unusable).
   *
   * @param during what was being done, for the message
   * @param cause the failure
   * @return the exception to throw
   */
  RpcException transportFailure(String during, IOException cause);

  /**
   * One call: what its request stream carries.
   *
   * @param name the method's wire name
   * @param protocol the protocol addressed
   * @param memory the call's memory (scratch for the request; a stream's batches)
   * @param request writes the request stream
   * @param header decodes the stream header, when the call expects one
   */
  record Call(String name, ProtocolId protocol, BufferAllocator memory, Request request,
      Optional<ClientCodec.BatchDecoder<Record>> header) {
    /**
     * A typed call: the parameters as one row, with the dispatch metadata.
     *
     * @param method the method
     * @param args the arguments, in declaration order (null when there are none)
     * @param protocol the protocol addressed
     * @param memory the call's memory
     * @param carried what every request batch carries besides the dispatch keys (a credential)
     * @return the call
     */
    static Call typed(MethodSpec method, Object[] args, ProtocolId protocol, BufferAllocator memory,
        Map<String, String> carried) {
      return new Call(method.name(), protocol, memory, new TypedRequest(method, args, protocol, carried, memory),
          headerOf(method));
    }

    /** A typed call's request stream: the parameters as one row (see {@link Call#typed}). */
    private static final class TypedRequest implements Request {
      private final MethodSpec method;
      private final Object[] args;
      private final ProtocolId protocol;
      private final Map<String, String> carried;
      private final BufferAllocator memory;

      TypedRequest(MethodSpec method, Object[] args, ProtocolId protocol, Map<String, String> carried,
          BufferAllocator memory) {
        this.method = method;
        this.args = args;
        this.protocol = protocol;
        this.carried = carried;
        this.memory = memory;
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        ClientCodec.writeRequest(out, method, args, protocol, carried, memory);
      }
    }

    /** The stream header's decoder, when the method declares a header (no decoder made for one that does not). */
    private static Optional<ClientCodec.BatchDecoder<Record>> headerOf(MethodSpec method) {
      return method.header().isPresent() ? Optional.of(ClientCodec.headerDecoder(method)) : Optional.empty();
    }

    /**
     * A call whose parameter batch another encoder makes (generated code): the same request stream
     * as {@link #typed} for the same values.
     *
     * @param method the method
     * @param params encodes the parameter row in the call's memory
     * @param protocol the protocol addressed
     * @param memory the call's memory
     * @param carried what every request batch carries besides the dispatch keys
     * @return the call
     */
    static Call encoded(MethodSpec method, java.util.function.Function<BufferAllocator, dev.arrowrpc.core.wire.Batch> params,
        ProtocolId protocol, BufferAllocator memory, Map<String, String> carried) {
      return new Call(method.name(), protocol, memory,
          out -> ClientCodec.writeRequest(out, method, params, protocol, carried, memory), headerOf(method));
    }

    /** Writes the request stream. */
    void writeTo(OutputStream out) throws IOException {
      request.writeTo(out);
    }

    /** The request stream as bytes, for a transport that sends whole bodies. */
    byte[] bytes() throws IOException {
      RequestBytes body = new RequestBytes();
      writeTo(body);
      return body.toByteArray();
    }
  }

  /** Writes a call's request stream. */
  @FunctionalInterface
  interface Request {
    /**
     * Writes the stream.
     *
     * @param out where it goes
     * @throws IOException when the channel fails
     */
    void writeTo(OutputStream out) throws IOException;
  }
}
