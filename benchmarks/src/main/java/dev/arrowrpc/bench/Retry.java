package dev.arrowrpc.bench;

import java.io.IOException;

/** Connects to a server that may not be listening yet (a worker may announce before binding). */
final class Retry {
  private static final long TIMEOUT_NANOS = 10_000_000_000L;

  private Retry() {}

  /** Something that connects. */
  @FunctionalInterface
  interface Connect<T> {
    T connect() throws IOException;
  }

  /** Tries for up to 10 s, every 20 ms. */
  static <T> T connect(Connect<T> connect) throws IOException {
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    while (true) {
      try {
        return connect.connect();
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while connecting", interrupted);
        }
      }
    }
  }
}
