package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.auth.Authenticator;
import dev.arrowrpc.core.auth.ConnectionAuth;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves DoExchange calls with full vgi-rpc semantics through the one engine: the exchange's bytes
 * (the "conversation" mapping, {@link ExchangeConversation}) are fed to {@link RpcServer#serve}, and
 * the engine's answers go back the same way. A DoExchange may carry any number of calls; the Java
 * client ({@link FlightTransport}) opens one per call. A client cancel ends the engine's
 * conversation, which releases the call's memory.
 */
final class ExchangeCalls {
  private static final Logger LOG = LoggerFactory.getLogger(ExchangeCalls.class);

  private final RpcServer server;
  private final BufferAllocator allocator;

  /**
   * @param server the engine
   * @param allocator where outgoing app_metadata buffers are allocated (the Flight server's)
   */
  ExchangeCalls(RpcServer server, BufferAllocator allocator) {
    this.server = Objects.requireNonNull(server, "server");
    this.allocator = Objects.requireNonNull(allocator, "allocator");
  }

  /**
   * Serves one DoExchange to its end.
   *
   * @param context the Flight call
   * @param reader what the client sends
   * @param writer where the answers go
   */
  void handle(FlightProducer.CallContext context, FlightStream reader,
      FlightProducer.ServerStreamListener writer) {
    if (!ExchangeConversation.isConversation(reader.getDescriptor())) {
      writer.error(CallStatus.INVALID_ARGUMENT
          .withDescription("DoExchange expects a command descriptor '" + ExchangeConversation.COMMAND
              + "' (the vgi-rpc conversation mapping)")
          .toRuntimeException());
      return;
    }
    ExchangeConversation.Output out = ExchangeConversation.Output.to(writer, allocator);
    try {
      Optional<FlightAuth.Session> session = FlightAuth.session(context);
      String peer = session.map(FlightAuth.Session::peerAddress).orElse("");
      // the call's headers were authenticated before it started (FlightAuth): every request of the
      // conversation runs as that identity
      ConnectionAuth auth = session.isEmpty() || session.get().identity().equals(Identity.ANONYMOUS)
          ? ConnectionAuth.none()
          : ConnectionAuth.of(authenticated(session.get().identity()), TransportKind.FLIGHT, peer, Optional.empty());
      server.serve(new ExchangeConversation.Input(reader), out, peer, TransportKind.FLIGHT, auth);
      out.flush();
      writer.completed();
    } catch (IOException | RuntimeException e) {
      if (context.isCancelled()) {
        LOG.debug("DoExchange cancelled by the client", e);
      } else {
        LOG.debug("DoExchange failed", e);
      }
      try {
        CallStatus status = context.isCancelled() ? CallStatus.CANCELLED : CallStatus.INTERNAL;
        writer.error(status.withDescription(String.valueOf(e.getMessage())).withCause(e).toRuntimeException());
      } catch (RuntimeException ignored) {
        // the call is gone already
      }
    }
  }

  /** An authenticator that knows the answer already: the identity the call's headers established. */
  private static Authenticator authenticated(Identity identity) {
    return request -> identity;
  }
}
