package dev.arrowrpc.core;

import dev.arrowrpc.core.testing.Harness;
import dev.arrowrpc.transport.pipe.SubprocessHarness;

/** {@link TypeRoundTripTest} across a real process boundary: the service runs in a worker subprocess. */
class SubprocessTypeRoundTripTest extends TypeRoundTripTest {
  @Override
  protected <T> Harness open(Class<T> service, T implementation) throws Exception {
    return SubprocessHarness.launch(service, implementation.getClass());
  }
}
