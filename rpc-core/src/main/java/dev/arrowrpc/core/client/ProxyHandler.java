package dev.arrowrpc.core.client;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MethodKind;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns calls on a typed proxy into requests on a {@link ClientSession}. */
public final class ProxyHandler implements InvocationHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);

  private final ClientSession session;
  private final ServiceSpec spec;
  private final Map<Method, MethodSpec> methods;

  /**
   * Creates the handler for one service on one session.
   *
   * @param session the channel
   * @param spec the service
   */
  public ProxyHandler(ClientSession session, ServiceSpec spec) {
    this.session = session;
    this.spec = spec;
    Map<Method, MethodSpec> byMethod = new HashMap<>();
    for (MethodSpec method : spec.methods().values()) {
      byMethod.put(method.method(), method);
    }
    this.methods = Map.copyOf(byMethod);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "toString" -> spec.protocolName() + " proxy";
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        default -> throw new UnsupportedOperationException(method.getName());
      };
    }
    if (method.isDefault()) {
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    MethodSpec target = methods.get(method);
    if (target == null) {
      throw new UnsupportedOperationException(method + " is not a remote method");
    }
    return target.kind() == MethodKind.UNARY ? unary(target, args) : openStream(target, args);
  }

  private Object unary(MethodSpec method, Object[] args) {
    Object token = new Object();
    session.begin(token);
    BufferAllocator memory = session.allocator().newChildAllocator("call-" + method.name(), 0, Long.MAX_VALUE);
    try {
      session.writeRequest(method, args, spec.protocolVersion(), memory);
      Optional<Object> value = session.readResponse(memory, (reader, context) ->
          method.hasReturn()
              ? method.result().decodeRow(reader.root().getFieldVectors(), 0, context)[0]
              : null);
      if (method.hasReturn() && value.isEmpty()) {
        if (method.method().getReturnType().isPrimitive()) {
          throw new RpcException("ProtocolError", "the response to '" + method.name() + "' has no result");
        }
        return null;
      }
      return value.orElse(null);
    } catch (IOException e) {
      throw session.transportFailure("call " + method.name(), e);
    } finally {
      closeQuietly(memory, method.name());
      session.end(token);
    }
  }

  private Object openStream(MethodSpec method, Object[] args) {
    BufferAllocator memory = session.allocator().newChildAllocator("stream-" + method.name(), 0, Long.MAX_VALUE);
    Object token = new Object();
    try {
      session.begin(token);
    } catch (RuntimeException e) {
      memory.close();
      throw e;
    }
    try {
      session.writeRequest(method, args, spec.protocolVersion(), memory);
      Record header = null;
      if (method.header().isPresent()) {
        header = (Record) session.readResponse(memory, (reader, context) ->
                method.header().get().decode(reader.root(), context).get(0))
            .orElseThrow(() -> new RpcException("ProtocolError", "the stream header of '" + method.name() + "' is missing"));
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

  private static void closeQuietly(BufferAllocator memory, String method) {
    try {
      memory.close();
    } catch (IllegalStateException leak) {
      LOG.error("Arrow memory leaked by call {}: {}", method, leak.getMessage());
    }
  }
}
