package dev.arrowrpc.conformance.nativeclient;

/** The native-client lane over tcp: {@code client_worker --tcp 127.0.0.1:0}. */
class NativeClientTcpTest extends NativeClientContract {
  @Override
  ClientWorker.Lane lane() {
    return ClientWorker.Lane.TCP;
  }
}
