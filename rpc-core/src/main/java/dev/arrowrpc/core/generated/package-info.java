/**
 * The contracts that classes generated at compile time by rpc-codegen's annotation processor implement.
 * The runtime finds a generated class for an {@code @RpcService} interface by name and uses it in place
 * of reflection; without one it reflects as before. Hand-written code has no reason to use this package.
 */
package dev.arrowrpc.core.generated;
