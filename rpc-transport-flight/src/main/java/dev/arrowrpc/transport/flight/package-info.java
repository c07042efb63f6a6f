/**
 * vgi-rpc over Arrow Flight. {@link dev.arrowrpc.transport.flight.FlightRpcServer} serves any {@code
 * RpcServer}: discovery (ListFlights, GetFlightInfo, GetSchema), unary methods as actions, producers as
 * DoGet, exchanges as DoExchange batches and DoPut acknowledgements, and every method kind over
 * DoExchange for the typed client; {@link dev.arrowrpc.transport.flight.FlightRpc} connects
 * an {@code RpcClient} whose calls ride DoExchange, one gRPC stream per call. Both sides speak TLS
 * (mutual TLS optional); the server authenticates every call with the core {@code Authenticator} and
 * serves the basic-token handshake ({@link dev.arrowrpc.transport.flight.BasicLogin}).
 */
package dev.arrowrpc.transport.flight;
