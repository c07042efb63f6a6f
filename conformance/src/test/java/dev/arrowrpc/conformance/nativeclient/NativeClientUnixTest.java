package dev.arrowrpc.conformance.nativeclient;

/** The native-client lane over unix: {@code client_worker --unix PATH}. */
class NativeClientUnixTest extends NativeClientContract {
  @Override
  ClientWorker.Lane lane() {
    return ClientWorker.Lane.UNIX;
  }
}
