package dev.arrowrpc.core;

/**
 * Observes the calls a server completes: access logs, metrics. Called on the serving thread after
 * the response is written; keep it quick and never throw.
 */
@FunctionalInterface
public interface CallListener {
  /**
   * Receives one completed call.
   *
   * @param record the call
   */
  void onCall(CallRecord record);
}
