/**
 * vgi-rpc over Arrow Flight: a Flight server for any {@code RpcServer} and a Flight client transport
 * for {@code RpcClient}. Work in progress (issue 15): the module holds no public API yet.
 */
package dev.arrowrpc.transport.flight;
