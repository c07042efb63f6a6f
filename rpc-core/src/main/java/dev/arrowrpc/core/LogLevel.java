package dev.arrowrpc.core;

/** Severity of a log message a server sends to its client, in the reference's vocabulary. */
public enum LogLevel {
  /** An error batch: the call failed. */
  EXCEPTION,
  /** An error worth the client's attention. */
  ERROR,
  /** A warning. */
  WARN,
  /** Information. */
  INFO,
  /** Debugging detail. */
  DEBUG,
  /** Finest detail. */
  TRACE
}
