package dev.arrowrpc.conformance.nativeclient;

/** The native-client lane over HTTP at the root prefix: {@code client_worker --http 0}. */
class NativeClientHttpTest extends NativeClientContract {
  @Override
  ClientWorker.Lane lane() {
    return ClientWorker.Lane.HTTP;
  }
}
