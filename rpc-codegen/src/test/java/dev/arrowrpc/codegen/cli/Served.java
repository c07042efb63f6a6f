package dev.arrowrpc.codegen.cli;

import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.transport.pipe.TcpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The test protocol served over TCP in this JVM, and the command line run in-process against it
 * with captured output. Closing checks the server's allocator is empty.
 */
final class Served implements AutoCloseable {
  final BufferAllocator serverMemory = new RootAllocator();
  final TcpServer server;

  Served() throws IOException {
    server = TcpServer.start(server(serverMemory));
  }

  /** The test protocols (primary and secondary) on one server. */
  static RpcServer server(BufferAllocator memory) {
    CliServiceImpl implementation = new CliServiceImpl();
    return RpcServer.builder(CliService.class, implementation)
        .protocol(CliService.Secondary.class, implementation)
        .allocator(memory).build();
  }

  /** {@return the --tcp option's value} */
  String address() {
    return "127.0.0.1:" + server.port();
  }

  /**
   * Runs the command line with {@code --tcp} to this server.
   *
   * @param stdin what standard input holds
   * @param args the subcommand and its arguments
   * @return the status and the output
   */
  Run run(String stdin, String... args) {
    String[] withTarget = new String[args.length + 2];
    withTarget[0] = args[0];
    withTarget[1] = "--tcp";
    withTarget[2] = address();
    System.arraycopy(args, 1, withTarget, 3, args.length - 1);
    return Run.of(stdin, withTarget);
  }

  @Override
  public void close() {
    server.close();
    long held = serverMemory.getAllocatedMemory();
    serverMemory.close();
    if (held != 0) {
      throw new AssertionError("the server's allocator holds " + held + " bytes");
    }
  }

  /**
   * One run of the command line.
   *
   * @param status the exit status
   * @param out standard output, as bytes
   * @param err standard error
   */
  record Run(int status, byte[] out, String err) {
    static Run of(String stdin, String... args) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status = ArrowRpcCli.run(new ArrowRpcCli.Console(
          new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
          false, false), args);
      Run run = new Run(status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
      if (run.err().contains(ServiceCommand.LEAK)) {
        throw new AssertionError("the command line's allocator is not empty after: " + String.join(" ", args)
            + "\n" + run);
      }
      return run;
    }

    /** {@return standard output as text} */
    String text() {
      return new String(out, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "status " + status + "\n--- stdout\n" + text() + "--- stderr\n" + err;
    }
  }
}
