package dev.arrowrpc.core.external;

import dev.arrowrpc.core.CallContext;
import java.util.Optional;

/**
 * Carries a pre-published reference from a unary method to the server that answers for it
 * (internal; methods use {@link ExternalRef#answer}).
 */
public final class ExternalAnswer {
  private static final ThreadLocal<ExternalRef> CURRENT = new ThreadLocal<>();

  private ExternalAnswer() {}

  /**
   * Records the reference the current call answers with.
   *
   * @param ref the reference
   * @throws IllegalStateException when the thread serves no call
   */
  public static void set(ExternalRef ref) {
    if (CallContext.current().isEmpty()) {
      throw new IllegalStateException("ExternalRef.answer is only valid inside a server call");
    }
    CURRENT.set(ref);
  }

  /**
   * Takes (and clears) the reference the call just served answered with.
   *
   * @return the reference, or empty when the call answered inline
   */
  public static Optional<ExternalRef> take() {
    ExternalRef ref = CURRENT.get();
    if (ref == null) {
      return Optional.empty();
    }
    CURRENT.set(null);
    return Optional.of(ref);
  }
}
