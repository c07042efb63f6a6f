package dev.arrowrpc.codegen.cli;

import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arrow-rpc list}: every method, one a line, {@code PROTOCOL.METHOD kind}, for scripts. */
@Command(name = "list", mixinStandardHelpOptions = true,
    header = "List the methods, one a line: PROTOCOL.METHOD KIND.", description = {
    "Lists the service's methods, one a line: PROTOCOL.METHOD KIND, where KIND is unary, "
        + "producer, exchange, or stream when the service does not say. Application protocols only, "
        + "unless --all."})
final class ListCommand extends ServiceCommand {
  @Option(names = "--protocol", paramLabel = "NAME", description = "Only this protocol.")
  Optional<String> protocol = Optional.empty();

  @Option(names = "--all", description = "Include the framework's protocols (vgi_rpc.*).")
  boolean all;

  ListCommand(ArrowRpcCli.Console console) {
    super(console);
  }

  @Override
  int run(RpcClient client, BufferAllocator memory) {
    for (ServiceDescription description : describe(client, client.listProtocols(), protocol, all)) {
      for (MethodInfo method : description.methods()) {
        console.out().println(description.protocol() + "." + method.name() + " " + kind(method));
      }
    }
    return Exit.OK;
  }

  /**
   * A method's kind in one word.
   *
   * @param method the method
   * @return unary, producer, exchange, or stream (kind not reported)
   */
  static String kind(MethodInfo method) {
    if (!"stream".equals(method.methodType())) {
      return "unary";
    }
    return switch (method.streamKind()) {
      case "producer", "exchange" -> method.streamKind();
      default -> "stream";
    };
  }
}
