package dev.arrowrpc.core.generated;

import java.util.List;
import java.util.Optional;

/**
 * A generated class from another version of {@link GeneratedPathTest.Stale}: its client names a
 * method the interface no longer has, so the runtime must not use it (a proxy serves instead).
 */
public final class GeneratedPathTest_Stale_ArrowRpcInvoker implements GeneratedInvoker<GeneratedPathTest.Stale> {
  /** Creates it. */
  public GeneratedPathTest_Stale_ArrowRpcInvoker() {}

  @Override
  public Class<GeneratedPathTest.Stale> service() {
    return GeneratedPathTest.Stale.class;
  }

  @Override
  public Optional<Method<GeneratedPathTest.Stale>> method(String name) {
    return Optional.empty();
  }

  @Override
  public List<String> clientMethods() {
    return List.of("noop", "removed");
  }

  @Override
  public Optional<GeneratedPathTest.Stale> client(Remote remote) {
    return Optional.of(() -> remote.call(0, new Object[0]));
  }
}
