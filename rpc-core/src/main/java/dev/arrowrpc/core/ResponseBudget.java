package dev.arrowrpc.core;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The byte budget of the answer a call is writing, as a method sees it ({@link
 * CallContext#responseBudget()}), so it can size what it emits: a producer can batch toward {@link
 * #preferredBytes()} and keep each turn under {@link #limitBytes()}. Only a transport that caps its
 * answers sets a budget (HTTP, where the client's {@code VGI-Accept-Max-Response-Bytes} and the
 * server's {@code maxResponseBytes} meet); everywhere else every part is empty and {@link
 * #externalizationEnabled()} is false.
 *
 * <p>Sizes count decoded Arrow IPC bytes, framing included (before any HTTP content coding), so a
 * method comparing the size of its own values with them keeps a margin for the framing. An answer
 * over the limit is never sent: it is replaced by a {@code ResponseTooLargeError} (for a producer,
 * without a cursor to continue from). The values are taken when the call, or the stream's turn,
 * starts and do not change while it runs.
 *
 * @param limitBytes the hard limit on this answer: the smallest of the server's and the client's
 *     limits (on a stream's turn, also of the limit in force when the stream was opened, which a turn
 *     may lower but never raise)
 * @param preferredBytes the size the server prefers answers to stay under, never above the limit
 * @param remainingBytes what is left of the limit for this answer: the limit less what was written of
 *     it before the method ran (the stream's schema, a header)
 * @param externalizationEnabled whether the server uploads large batches to external storage and sends
 *     pointers instead (a way out for a batch over the limit)
 * @param remainingExternalizedBytes the most this answer may upload to external storage, when capped;
 *     empty when uncapped or when externalization is off
 */
public record ResponseBudget(OptionalLong limitBytes, OptionalLong preferredBytes, OptionalLong remainingBytes,
    boolean externalizationEnabled, OptionalLong remainingExternalizedBytes) {

  /** No limits: the budget of every call on a transport that does not cap its answers. */
  public static final ResponseBudget UNBOUNDED = new ResponseBudget(OptionalLong.empty(), OptionalLong.empty(),
      OptionalLong.empty(), false, OptionalLong.empty());

  /**
   * Checks the parts.
   *
   * @param limitBytes the hard limit on this answer
   * @param preferredBytes the size the server prefers, never above the limit
   * @param remainingBytes what is left of the limit, never above it
   * @param externalizationEnabled whether the server externalizes large batches
   * @param remainingExternalizedBytes the most this answer may upload, when capped and enabled
   */
  public ResponseBudget {
    Objects.requireNonNull(limitBytes, "limitBytes");
    Objects.requireNonNull(preferredBytes, "preferredBytes");
    Objects.requireNonNull(remainingBytes, "remainingBytes");
    Objects.requireNonNull(remainingExternalizedBytes, "remainingExternalizedBytes");
    if (limitBytes.isPresent()) {
      long limit = limitBytes.getAsLong();
      if (preferredBytes.isPresent() && preferredBytes.getAsLong() > limit) {
        throw new IllegalArgumentException("preferredBytes " + preferredBytes.getAsLong() + " is over limitBytes "
            + limit);
      }
      if (remainingBytes.isEmpty() || remainingBytes.getAsLong() < 0 || remainingBytes.getAsLong() > limit) {
        throw new IllegalArgumentException("remainingBytes must lie from 0 through limitBytes " + limit + ", got "
            + remainingBytes);
      }
    } else if (remainingBytes.isPresent()) {
      throw new IllegalArgumentException("remainingBytes without limitBytes");
    }
    if (!externalizationEnabled && remainingExternalizedBytes.isPresent()) {
      throw new IllegalArgumentException("remainingExternalizedBytes while externalization is off");
    }
  }
}
