package dev.arrowrpc.conformance.nativeclient;

import java.util.List;

/**
 * The native-client lane over HTTP under a production-style prefix: {@code client_worker --http 0
 * --prefix /vgi} (the worker's full HTTP-client lane, readiness by {@code GET /vgi/health}).
 */
class NativeClientHttpPrefixTest extends NativeClientContract {
  @Override
  ClientWorker.Lane lane() {
    return ClientWorker.Lane.HTTP;
  }

  @Override
  List<String> workerFlags() {
    return List.of("--prefix", "/vgi");
  }
}
