package dev.arrowrpc.core.client;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.auth.ConnectionAuth;
import dev.arrowrpc.core.external.ExternalFetcher;
import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ReadContext;
import dev.arrowrpc.core.shm.SharedMemoryTransport;
import dev.arrowrpc.core.shm.SharedSegment;
import dev.arrowrpc.core.shm.ShmNegotiation;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a client's calls reach the server, written once over the {@link CallCarrier} of the
 * transport family: over a byte channel (one call at a time, streams in lockstep on the channel)
 * or over a request/response transport (every call and every stream turn a request of its own).
 * The typed proxy ({@link ProxyHandler}) runs over either.
 */
public final class ClientCalls implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientCalls.class);

  private final CallCarrier carrier;
  private final Map<String, String> carried;

  private ClientCalls(CallCarrier carrier, Map<String, String> carried) {
    this.carrier = carrier;
    this.carried = Map.copyOf(carried);
  }

  /**
   * Calls over a byte channel, resolving pointer batches in responses when a fetcher is given.
   *
   * @param transport the channel
   * @param allocator where results are allocated
   * @param onLog receives the server's log messages, or null
   * @param fetcher fetches the objects pointer batches name; empty: a pointer is an error
   * @param authorization the credential every request carries (as {@code
   *     arrowrpc.authorization}, for a server's {@code Authenticator}), if any
   * @return the calls
   */
  public static ClientCalls overChannel(ByteTransport transport, BufferAllocator allocator,
      Consumer<LogMessage> onLog, Optional<ExternalFetcher> fetcher, Optional<String> authorization) {
    Optional<SharedSegment> segment = SharedMemoryTransport.of(transport);
    Map<String, String> carried = new LinkedHashMap<>();
    authorization.ifPresent(value -> carried.put(ConnectionAuth.AUTHORIZATION_KEY, value));
    segment.ifPresent(shared -> carried.putAll(ShmNegotiation.requestKeys(shared)));
    return new ClientCalls(new ChannelCarrier(transport,
        new AnswerReader(allocator, onLog, new ClientPointers(fetcher, segment))), carried);
  }

  /**
   * Calls over a request/response transport, resolving pointer batches in responses when a
   * fetcher is given.
   *
   * @param transport the transport
   * @param allocator where results are allocated
   * @param onLog receives the server's log messages, or null
   * @param fetcher fetches the objects pointer batches name; empty: a pointer is an error
   * @return the calls
   */
  public static ClientCalls overRequests(RequestTransport transport, BufferAllocator allocator,
      Consumer<LogMessage> onLog, Optional<ExternalFetcher> fetcher) {
    return new ClientCalls(new RequestCarrier(transport, new AnswerReader(allocator, onLog, new ClientPointers(fetcher))),
        Map.of());
  }

  /** The carrier, for the batch relay ({@link BatchCalls}). */
  CallCarrier carrier() {
    return carrier;
  }

  /** {@return the allocator results are allocated from (results that are Arrow data belong to the caller)} */
  public BufferAllocator allocator() {
    return carrier.allocator();
  }

  /**
   * Runs a unary call.
   *
   * @param method the method
   * @param args the arguments, in declaration order (null when there are none)
   * @param protocol the protocol addressed
   * @return the result (null for void methods)
   */
  Object unary(MethodSpec method, Object[] args, ProtocolId protocol) {
    BufferAllocator memory = callMemory();
    try {
      CallCarrier.Call call = CallCarrier.Call.typed(method, args, protocol, memory, carried);
      return ClientCodec.unaryValue(method, carrier.unary(call, ClientCodec.unaryDecoder(method)));
    } catch (IOException e) {
      throw carrier.transportFailure("call " + method.name(), e);
    } finally {
      release(memory, method.name());
    }
  }

  /**
   * Runs a unary call whose parameters and result go through generated code.
   *
   * @param method the method
   * @param code its generated code
   * @param args the arguments, in declaration order (null when there are none)
   * @param protocol the protocol addressed
   * @return the result (null for void methods)
   */
  Object unary(MethodSpec method, GeneratedInvoker.Method<Object> code, Object[] args, ProtocolId protocol) {
    BufferAllocator memory = callMemory();
    try {
      Object[] values = args == null ? NO_ARGS : args;
      CallCarrier.Call call;
      if (method.params().lane().isPresent()) {
        // the small-batch lane takes the row as the proxy's values, which the generated code would only
        // copy into a row of its own one by one (its write is a column-for-column copy of the arguments)
        call = CallCarrier.Call.typed(method, values, protocol, memory, carried);
      } else {
        call = CallCarrier.Call.encoded(method,
            scratch -> method.params().encodeRow(row -> code.write(values, row), scratch), protocol, memory, carried);
      }
      return ClientCodec.unaryValue(method, carrier.unary(call, ClientCodec.unaryDecoder(method, code)));
    } catch (IOException e) {
      throw carrier.transportFailure("call " + method.name(), e);
    } finally {
      release(memory, method.name());
    }
  }

  private static final Object[] NO_ARGS = new Object[0];

  /** At most this many unary-call allocators are kept for reuse. */
  private static final int SPARE_CALL_MEMORY = 4;

  /**
   * Allocators of finished unary calls that released everything, kept for the next calls: making a
   * child allocator is a good part of a small call's cost. Slots taken and filled by swapping, so
   * keeping and taking one allocates nothing and takes no lock.
   */
  private final java.util.concurrent.atomic.AtomicReferenceArray<BufferAllocator> spareMemory =
      new java.util.concurrent.atomic.AtomicReferenceArray<>(SPARE_CALL_MEMORY);
  private volatile boolean closed;

  /** A unary call's memory: a spare allocator, or a new child of the carrier's. */
  private BufferAllocator callMemory() {
    for (int i = 0; i < SPARE_CALL_MEMORY; i++) {
      if (spareMemory.get(i) != null) {
        BufferAllocator spare = spareMemory.getAndSet(i, null);
        if (spare != null) {
          return spare;
        }
      }
    }
    return carrier.allocator().newChildAllocator("call", 0, Long.MAX_VALUE);
  }

  /**
   * Ends a unary call's use of its memory: an allocator that holds nothing is kept for reuse (a few
   * at most); one that still holds buffers is closed, which reports the leak.
   */
  private void release(BufferAllocator memory, String method) {
    if (!closed && memory.getAllocatedMemory() == 0) {
      for (int i = 0; i < SPARE_CALL_MEMORY; i++) {
        if (spareMemory.get(i) == null && spareMemory.compareAndSet(i, null, memory)) {
          if (closed) {
            closeSpares(); // the client closed meanwhile: keep nothing
          }
          return;
        }
      }
    }
    closeQuietly(memory, method);
  }

  private void closeSpares() {
    for (int i = 0; i < SPARE_CALL_MEMORY; i++) {
      BufferAllocator spare = spareMemory.getAndSet(i, null);
      if (spare != null) {
        closeQuietly(spare, "(kept for reuse)");
      }
    }
  }

  /**
   * Opens a stream.
   *
   * @param method the stream method
   * @param args the arguments, in declaration order (null when there are none)
   * @param protocol the protocol addressed
   * @return the client side of the stream: a {@code Producer}, {@code Exchange} or {@code BatchStream}
   */
  Object openStream(MethodSpec method, Object[] args, ProtocolId protocol) {
    BufferAllocator memory = carrier.allocator().newChildAllocator("stream-" + method.name(), 0, Long.MAX_VALUE);
    CallCarrier.Call call = CallCarrier.Call.typed(method, args, protocol, memory, carried);
    try {
      return switch (method.kind()) {
        case PRODUCER -> new ClientProducer<>(carrier.open(call, rows(method)));
        case EXCHANGE -> new ClientExchange<>(method, carrier.allocator(), carrier.open(call, rows(method)));
        default -> new ClientBatchStream(carrier.open(call, ClientBatchStream.decoder(memory)));
      };
    } catch (IOException e) {
      closeQuietly(memory, method.name());
      throw carrier.transportFailure("stream init " + method.name(), e);
    } catch (RuntimeException e) {
      closeQuietly(memory, method.name());
      throw e;
    }
  }

  /** The decoder of typed stream outputs: the rows of the method's output record. */
  @SuppressWarnings("unchecked")
  private <T> TurnCarrier.OutputDecoder<List<T>> rows(MethodSpec method) {
    BufferAllocator results = carrier.allocator();
    return (reader, metadata, kept) ->
        (List<T>) method.output().orElseThrow().decode(reader.root(), new ReadContext(reader, results));
  }

  /** Closes the channel or transport. */
  @Override
  public void close() throws IOException {
    closed = true;
    closeSpares();
    carrier.close();
  }

  /** Closes a call's memory, logging (not throwing) a leak. Closing twice is harmless. */
  static void closeQuietly(BufferAllocator memory, String method) {
    try {
      memory.close();
    } catch (IllegalStateException leak) {
      LOG.error("Arrow memory leaked by call {}: {}", method, leak.getMessage());
    }
  }
}
