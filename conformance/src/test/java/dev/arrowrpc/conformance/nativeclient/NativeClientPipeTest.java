package dev.arrowrpc.conformance.nativeclient;

/** The native-client lane over pipe: {@code client_worker --stdio}. */
class NativeClientPipeTest extends NativeClientContract {
  @Override
  ClientWorker.Lane lane() {
    return ClientWorker.Lane.PIPE;
  }
}
