package dev.arrowrpc.core.client;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import java.io.IOException;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls over a byte channel: one at a time, streams in lockstep on the channel. */
final class ChannelCalls implements ClientCalls {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelCalls.class);

  private final ClientSession session;

  ChannelCalls(ClientSession session) {
    this.session = session;
  }

  @Override
  public BufferAllocator allocator() {
    return session.allocator();
  }

  @Override
  public Object unary(MethodSpec method, Object[] args, ProtocolId protocol) {
    Object token = new Object();
    session.begin(token);
    BufferAllocator memory = session.allocator().newChildAllocator("call-" + method.name(), 0, Long.MAX_VALUE);
    try {
      session.writeRequest(method, args, protocol, memory);
      return ClientCodec.unaryValue(method, session.readResponse(memory, ClientCodec.unaryDecoder(method)));
    } catch (IOException e) {
      throw session.transportFailure("call " + method.name(), e);
    } finally {
      closeQuietly(memory, method.name());
      session.end(token);
    }
  }

  @Override
  public Object openStream(MethodSpec method, Object[] args, ProtocolId protocol) {
    BufferAllocator memory = session.allocator().newChildAllocator("stream-" + method.name(), 0, Long.MAX_VALUE);
    Object token = new Object();
    try {
      session.begin(token);
    } catch (RuntimeException e) {
      memory.close();
      throw e;
    }
    try {
      session.writeRequest(method, args, protocol, memory);
      Record header = null;
      if (method.header().isPresent()) {
        header = readHeader(method, memory);
      }
      ClientStream stream = switch (method.kind()) {
        case PRODUCER -> new ClientProducer<>(session, method, memory, header);
        case EXCHANGE -> new ClientExchange<>(session, method, memory, header);
        default -> new ClientBatchStream(session, method, memory, header);
      };
      session.end(token);
      session.begin(stream);
      return stream;
    } catch (IOException e) {
      closeQuietly(memory, method.name());
      session.end(token);
      throw session.transportFailure("stream init " + method.name(), e);
    } catch (RuntimeException e) {
      closeQuietly(memory, method.name());
      session.end(token);
      throw e;
    }
  }

  /**
   * Reads a stream's header. When the server sent a header this client cannot decode, the server
   * has gone on to the stream itself: the stream is ended (input closed, output drained) before
   * the error is raised, so the channel stays in step for the next call.
   */
  private Record readHeader(MethodSpec method, BufferAllocator memory) throws IOException {
    ClientCodec.BatchDecoder<Record> decoder = ClientCodec.headerDecoder(method);
    boolean[] undecodable = {false};
    try {
      return session.readResponse(memory, (reader, context) -> {
        try {
          return decoder.decode(reader, context);
        } catch (RuntimeException e) {
          undecodable[0] = true;
          throw e;
        }
      }).orElseThrow(() -> new RpcException("ProtocolError", "the stream header of '" + method.name() + "' is missing"));
    } catch (RpcException e) {
      if (undecodable[0]) {
        new ClientBatchStream(session, method, memory, null).closeGracefully();
      } else {
        // the server refused the stream in place of its header: complete the call with an empty
        // input stream, as the reference's client does, so a server that drains one stays in step
        completeRefusedStream();
      }
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    session.close();
  }

  private void completeRefusedStream() throws IOException {
    try (IpcStreamWriter writer = IpcStreamWriter.start(session.out(), MethodSpec.EMPTY_SCHEMA)) {
      // schema and end-of-stream only: no batch
    }
    session.out().flush();
  }

  static void closeQuietly(BufferAllocator memory, String method) {
    try {
      memory.close();
    } catch (IllegalStateException leak) {
      LOG.error("Arrow memory leaked by call {}: {}", method, leak.getMessage());
    }
  }
}
