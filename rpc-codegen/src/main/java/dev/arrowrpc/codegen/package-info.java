/**
 * Java sources generated from vgi-rpc protocol descriptions: {@link
 * dev.arrowrpc.codegen.InterfaceGenerator} writes the {@code @RpcService} interface of a protocol a
 * server describes, mapping Arrow types back to Java through rpc-core's type catalog.
 */
package dev.arrowrpc.codegen;
