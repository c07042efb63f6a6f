/**
 * vgi-rpc over Arrow Flight. {@link dev.arrowrpc.transport.flight.FlightRpcServer} serves any {@code
 * RpcServer}: discovery (ListFlights, GetFlightInfo, GetSchema), unary methods as actions, producers as
 * DoGet, and every method kind over DoExchange; {@link dev.arrowrpc.transport.flight.FlightRpc} connects
 * an {@code RpcClient} whose calls ride DoExchange, one gRPC stream per call.
 */
package dev.arrowrpc.transport.flight;
