package dev.arrowrpc.transport.pipe;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains a worker's stderr line by line into a consumer, remembering the last line for error
 * messages. It keeps draining even when the consumer throws, since a worker blocked on a full
 * stderr pipe would stall the protocol. Lines longer than {@link #MAX_LINE} characters are passed on
 * in pieces.
 */
final class StderrPump implements Runnable {
  /** The longest line handed to the consumer in one piece. */
  static final int MAX_LINE = 16 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(StderrPump.class);

  private final InputStream stderr;
  private final Consumer<String> lines;
  private volatile String lastLine;

  /** Drains {@code stderr} into {@code lines} once {@link #run()} runs. */
  StderrPump(InputStream stderr, Consumer<String> lines) {
    this.stderr = stderr;
    this.lines = lines;
  }

  /**
   * The last line read.
   *
   * @return the line, or null when none has been read
   */
  String lastLine() {
    return lastLine;
  }

  @Override
  public void run() {
    try (Reader reader = new InputStreamReader(stderr, StandardCharsets.UTF_8)) {
      char[] buffer = new char[8192];
      StringBuilder line = new StringBuilder();
      boolean afterCarriageReturn = false;
      int n;
      while ((n = reader.read(buffer)) >= 0) {
        for (int i = 0; i < n; i++) {
          char c = buffer[i];
          if (c == '\n' && afterCarriageReturn) {
            afterCarriageReturn = false;
            continue;
          }
          afterCarriageReturn = c == '\r';
          if (c == '\n' || c == '\r') {
            emit(line);
          } else {
            line.append(c);
            if (line.length() >= MAX_LINE) {
              emit(line);
            }
          }
        }
      }
      if (line.length() > 0) {
        emit(line);
      }
    } catch (IOException e) {
      LOG.debug("worker stderr closed: {}", e.getMessage());
    }
  }

  private void emit(StringBuilder line) {
    String text = line.toString();
    line.setLength(0);
    lastLine = text;
    try {
      lines.accept(text);
    } catch (RuntimeException e) {
      LOG.warn("worker stderr consumer failed on line '{}'", text, e);
    }
  }
}
