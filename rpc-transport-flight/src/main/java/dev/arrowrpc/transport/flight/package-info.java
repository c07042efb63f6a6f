/**
 * vgi-rpc over Arrow Flight: a Flight server for any {@code RpcServer} and a Flight client transport
 * for {@code RpcClient}. Work in progress (issue 15): {@link dev.arrowrpc.transport.flight.FlightRpcServer} serves discovery, unary actions and producer streams.
 */
package dev.arrowrpc.transport.flight;
