package dev.arrowrpc.codegen.cli;

import dev.arrowrpc.codegen.GeneratedInterface;
import dev.arrowrpc.codegen.InterfaceGenerator;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.SourceVersion;
import org.apache.arrow.memory.BufferAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arrow-rpc generate}: an {@code @RpcService} interface per protocol, from the service's reflection. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    header = "Write Java @RpcService interfaces from the service's reflection.", description = {
    "Writes a Java @RpcService interface per application protocol (or the one named), generated"
        + " from the service's reflection, below --out in --package's directories, and prints each "
        + "file's path. A schema Java cannot express fails naming the field (exit 1), and nothing is "
        + "written."})
final class GenerateCommand extends ServiceCommand {
  @Option(names = "--package", paramLabel = "PKG", required = true, description = "The Java package.")
  String packageName;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "The source root to write below.")
  Path out;

  @Option(names = "--protocol", paramLabel = "NAME", description = "Only this protocol.")
  Optional<String> protocol = Optional.empty();

  GenerateCommand(ArrowRpcCli.Console console) {
    super(console);
  }

  @Override
  int run(RpcClient client, BufferAllocator memory) throws Exception {
    if (!packageName.isEmpty() && !SourceVersion.isName(packageName)) {
      throw new UsageException("--package: '" + packageName + "' is not a Java package name");
    }
    List<GeneratedInterface> sources = new ArrayList<>();
    for (ServiceDescription description : describe(client, client.listProtocols(), protocol, false)) {
      sources.add(InterfaceGenerator.generate(description, packageName));
    }
    if (sources.isEmpty()) {
      throw new UsageException("the service hosts no application protocol");
    }
    for (GeneratedInterface source : sources) {
      Path file = out.resolve(source.relativePath());
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(file, source.source(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        // a local file, not the transport: status 1
        throw new Output.Failed(true, "cannot write " + file + ": " + Errors.message(e));
      }
      console.out().println(file);
    }
    return Exit.OK;
  }
}
