package dev.arrowrpc.transport.flight;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.grpc.ServerInterceptorAdapter;

/**
 * Records each call's peer address in its {@link FlightAuth.Session}: Flight's call context does not
 * expose the peer, gRPC's call attributes do. Installed on the gRPC server inside Flight's middleware
 * adapter (which runs first and has put the call's middleware in the gRPC context), so the address is
 * known by the time the producer runs, though not yet to the authenticator (which Flight calls before).
 */
final class PeerAddresses implements ServerInterceptor {
  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Map<FlightServerMiddleware.Key<?>, FlightServerMiddleware> middleware =
        ServerInterceptorAdapter.SERVER_MIDDLEWARE_KEY.get();
    if (middleware != null && middleware.get(FlightAuth.KEY) instanceof FlightAuth.Session session) {
      session.peerAddress(describe(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
    }
    return next.startCall(call, headers);
  }

  /** The peer's host address (as HTTP and TCP report it), or an empty string when unknown. */
  static String describe(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
    }
    return address == null ? "" : address.toString();
  }
}
