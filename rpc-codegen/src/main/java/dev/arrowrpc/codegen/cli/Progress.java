package dev.arrowrpc.codegen.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress display on stderr for long streams: rows, batches, bytes and the row rate,
 * redrawn in place at most ten times a second and finished with a newline. Silent when off.
 */
final class Progress {
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintStream err;
  private final boolean on;
  private final LongSupplier clock;
  private final long started;
  private long rows;
  private long batches;
  private long bytes;
  private long drawn = Long.MIN_VALUE;
  private boolean shown;

  Progress(PrintStream err, boolean on, LongSupplier clock) {
    this.err = err;
    this.on = on;
    this.clock = clock;
    this.started = clock.getAsLong();
  }

  /**
   * Counts one batch and redraws when due.
   *
   * @param rowCount its rows
   * @param size its serialized size
   */
  void batch(long rowCount, long size) {
    rows += rowCount;
    batches++;
    bytes += size;
    long now = clock.getAsLong();
    if (on && now - drawn >= REDRAW_NANOS) {
      drawn = now;
      draw(now);
    }
  }

  /** Draws the final counts and ends the line (nothing when off or nothing was counted). */
  void finish() {
    if (on && batches > 0) {
      draw(clock.getAsLong());
      err.println();
      err.flush();
    }
  }

  private void draw(long now) {
    double seconds = Math.max((now - started) / 1e9, 1e-9);
    err.print(String.format(Locale.ROOT, "\r\033[K%,d rows  %,d batches  %s  %,.0f rows/s  %.1fs",
        rows, batches, size(bytes), rows / seconds, seconds));
    err.flush();
    shown = true;
  }

  /** {@return whether anything was drawn} */
  boolean shown() {
    return shown;
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
