package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.runtime.RpcClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A client process of the launcher tests: {@code <state dir> <idle millis> <worker command...>};
 * connects through a {@link WorkerLauncher} and prints {@code pid <worker pid> ms <milliseconds> connect
 * <milliseconds>}:
 * the time from building the launcher to the first answer, and that of {@link WorkerLauncher#connect}.
 */
public final class WarmClientMain {
  private WarmClientMain() {}

  /** Connects, asks the worker's pid, prints it. */
  public static void main(String[] args) throws Exception {
    long start = System.nanoTime();
    WorkerLauncher launcher = WorkerLauncher.builder().stateDir(Path.of(args[0]))
        .idleTimeout(Duration.ofMillis(Long.parseLong(args[1]))).build();
    List<String> command = Arrays.asList(args).subList(2, args.length);
    long connecting = System.nanoTime();
    ByteTransport transport = launcher.connect(command);
    long connected = System.nanoTime();
    try (RpcClient client = RpcClient.connect(transport)) {
      long pid = client.proxy(Warm.class).pid();
      System.out.printf("pid %d ms %.2f connect %.2f%n", pid, (System.nanoTime() - start) / 1e6,
          (connected - connecting) / 1e6);
    }
  }
}
