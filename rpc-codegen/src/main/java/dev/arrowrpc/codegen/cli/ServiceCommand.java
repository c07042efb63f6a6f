package dev.arrowrpc.codegen.cli;

import dev.arrowrpc.core.reflect.ProtocolList;
import dev.arrowrpc.core.reflect.ProtocolSummary;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Mixin;

/** What every subcommand that talks to a service shares: the connection options and the console. */
abstract class ServiceCommand implements Callable<Integer>, ArrowRpcCli.Verbose {
  @Mixin
  Connection connection;

  final ArrowRpcCli.Console console;

  ServiceCommand(ArrowRpcCli.Console console) {
    this.console = console;
  }

  @Override
  public boolean verbose() {
    return connection != null && connection.verbose;
  }

  /** What stderr says when a run leaves Arrow memory behind (the tests look for it on every path). */
  static final String LEAK = "Arrow memory not released";

  @Override
  public final Integer call() throws Exception {
    BufferAllocator memory = new RootAllocator();
    try (RpcClient client = connection.open(memory, console)) {
      return run(client, memory);
    } finally {
      long held = memory.getAllocatedMemory();
      if (held == 0) {
        memory.close();
      } else {
        // the run's own outcome stands; the leak is reported beside it
        console.err().println("arrow-rpc: internal error: " + held + " bytes of " + LEAK);
      }
    }
  }

  /**
   * Runs the command.
   *
   * @param client the connected client
   * @param memory its allocator
   * @return the exit status
   * @throws Exception anything; the handler classifies it
   */
  abstract int run(RpcClient client, BufferAllocator memory) throws Exception;

  /**
   * The protocols to work on: the one named, or every application protocol (with {@code all}, the
   * framework's {@code vgi_rpc.*} too).
   *
   * @param client the client
   * @param listing the server's list
   * @param name the protocol asked for, if any
   * @param all whether to include the framework's protocols
   * @return their descriptions, in the server's order
   * @throws UsageException when the named protocol is not hosted
   */
  static List<ServiceDescription> describe(RpcClient client, ProtocolList listing, Optional<String> name,
      boolean all) {
    if (name.isPresent()) {
      if (listing.protocol(name.get()).isEmpty()) {
        throw new UsageException("the service hosts no protocol '" + name.get() + "'; it hosts: "
            + listing.protocols().stream().map(ProtocolSummary::protocol).collect(Collectors.joining(", ")));
      }
      return List.of(client.describe(name.get()));
    }
    return listing.protocols().stream()
        .filter(p -> all || !p.protocol().startsWith(ProtocolList.RESERVED_PREFIX))
        .map(p -> client.describe(p.protocol()))
        .toList();
  }
}
