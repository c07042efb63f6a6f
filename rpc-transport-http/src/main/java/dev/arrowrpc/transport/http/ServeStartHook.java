package dev.arrowrpc.transport.http;

/**
 * Runs once when an {@link HttpRpcServer} starts serving: on its first request, retried on the next
 * request for as long as it fails (see {@link HttpRpcServer.Builder#onServeStart}).
 */
@FunctionalInterface
public interface ServeStartHook {
  /**
   * Prepares the service for requests.
   *
   * @throws Exception to fail the request that triggered it (HTTP 500); the next request retries
   */
  void onServeStart() throws Exception;
}
