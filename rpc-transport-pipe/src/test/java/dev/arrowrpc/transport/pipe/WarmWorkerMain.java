package dev.arrowrpc.transport.pipe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A warm worker serving {@link Warm}, started by the launcher tests: the first argument is a file
 * it appends its pid to on start (so a test counts the workers started), the rest goes to {@link
 * Workers#serve(String[], Class, Object)}.
 */
public final class WarmWorkerMain {
  private WarmWorkerMain() {}

  /** Records the start, then serves as the arguments ask. */
  public static void main(String[] args) throws IOException {
    Files.writeString(Path.of(args[0]), ProcessHandle.current().pid() + "\n", StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    long pid = ProcessHandle.current().pid();
    Workers.serve(Arrays.copyOfRange(args, 1, args.length), Warm.class, new Warm() {
      @Override
      public long pid() {
        return pid;
      }

      @Override
      public String echo(String s) {
        return s;
      }
    });
  }
}
