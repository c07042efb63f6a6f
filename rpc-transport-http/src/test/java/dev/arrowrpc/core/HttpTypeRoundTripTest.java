package dev.arrowrpc.core;

import dev.arrowrpc.core.testing.Harness;
import dev.arrowrpc.transport.http.HttpHarness;

/** {@link TypeRoundTripTest} over HTTP: every mapped type through the OkHttp client and the Undertow server. */
class HttpTypeRoundTripTest extends TypeRoundTripTest {
  @Override
  protected <T> Harness open(Class<T> service, T implementation) {
    return new HttpHarness(service, implementation);
  }
}
