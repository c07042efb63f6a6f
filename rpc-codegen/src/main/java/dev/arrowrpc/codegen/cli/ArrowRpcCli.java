package dev.arrowrpc.codegen.cli;

import dev.arrowrpc.core.RpcException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code arrow-rpc} command line: describe, list, call and generate against any vgi-rpc
 * service, over a subprocess's pipes, a Unix socket, TCP, HTTP or Arrow Flight. Run it with {@code
 * bin/arrow-rpc} or {@code java -jar rpc-codegen-<version>-cli.jar}.
 *
 * <p>Exit status: {@value Exit#OK} success, {@value Exit#FAILURE} any other failure (such as a
 * schema the generator cannot express), {@value Exit#USAGE} usage error, {@value Exit#TRANSPORT}
 * transport error, {@value Exit#REMOTE} error reported by the service.
 */
@Command(name = "arrow-rpc", mixinStandardHelpOptions = true, versionProvider = ArrowRpcCli.Version.class,
    description = "Describe, call and generate Java for any vgi-rpc service.",
    subcommands = {ListCommand.class, DescribeCommand.class, CallCommand.class, GenerateCommand.class},
    footerHeading = "%nExit status:%n",
    footer = {
        "  0  success",
        "  1  any other failure (a schema Java cannot express, a file not written)",
        "  2  usage error (bad option, unknown protocol or method, bad value)",
        "  3  transport error (cannot connect or launch, broken pipe, HTTP or gRPC,",
        "     a server that does not speak the protocol)",
        "  4  remote error: the service's code, kind and message on stderr",
        "     (its traceback with -v)",
        "",
        "Transports: --cmd COMMAND | --unix PATH | --tcp HOST:PORT | --url URL",
        "            | --flight URI (grpc+tcp:// or grpc+tls://).",
        "Bash completion: source <(arrow-rpc completion)"})
public final class ArrowRpcCli {
  private ArrowRpcCli() {}

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    // the libraries' informational logging (Arrow's allocator, gRPC) is noise on a command line
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    // stdout carries results (Arrow IPC bytes with --format arrow): nothing else may print there
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    System.setOut(err);
    int status = run(new Console(System.in, out, err, Console.isTerminal(2), Console.isTerminal(1)), args);
    out.flush();
    System.exit(status);
  }

  /**
   * Runs the command line on the given streams (tests run it in-process).
   *
   * @param console where input comes from and output goes
   * @param args the arguments
   * @return the exit status
   */
  static int run(Console console, String... args) {
    CommandLine line = commandLine(console);
    int status = line.execute(args);
    console.out().flush();
    console.err().flush();
    return status;
  }

  /**
   * Builds the command model, subcommands bound to a console.
   *
   * @param console the console
   * @return the command line
   */
  static CommandLine commandLine(Console console) {
    CommandLine line = new CommandLine(new ArrowRpcCli(), new Factory(console));
    CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
    completion.getCommandSpec().usageMessage().hidden(false)
        .header("Print a bash completion script: source <(arrow-rpc completion)")
        .description("Prints a bash (and zsh, with bashcompinit) completion script for arrow-rpc,",
            "generated from the command model: source <(arrow-rpc completion)");
    line.addSubcommand("completion", completion);
    line.setOut(new PrintWriter(console.out(), true, StandardCharsets.UTF_8));
    line.setErr(new PrintWriter(console.err(), true, StandardCharsets.UTF_8));
    line.setExecutionExceptionHandler((e, cmd, parsed) -> failed(e, cmd, console));
    return line;
  }

  /** Reports a failure of a subcommand on stderr and picks its exit status. */
  private static int failed(Exception e, CommandLine command, Console console) {
    boolean verbose = command.getCommand() instanceof Verbose v && v.verbose();
    PrintStream err = console.err();
    if (e instanceof UsageException) {
      err.println("arrow-rpc: " + e.getMessage());
      return Exit.USAGE;
    }
    if (e instanceof Output.Failed output) {
      if (!output.file()) {
        return Exit.OK; // standard output's reader is done (| head): the stream was cancelled, nothing to say
      }
      err.println("arrow-rpc: " + e.getMessage());
      return Exit.FAILURE;
    }
    if (e instanceof RpcException rpc) {
      boolean transport = Exit.isTransport(rpc);
      err.println(Errors.describe(rpc, verbose));
      return transport ? Exit.TRANSPORT : Exit.REMOTE;
    }
    if (Exit.isTransport(e)) {
      err.println("transport error: " + Errors.message(e));
      if (verbose) {
        e.printStackTrace(err);
      }
      return Exit.TRANSPORT;
    }
    err.println("arrow-rpc: " + Errors.message(e));
    if (verbose) {
      e.printStackTrace(err);
    }
    return Exit.FAILURE;
  }

  /** A command with a {@code -v} option. */
  interface Verbose {
    /** {@return whether -v was given} */
    boolean verbose();
  }

  /** Builds subcommands with the console they write to. */
  private record Factory(Console console) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == ListCommand.class) {
        return type.cast(new ListCommand(console));
      }
      if (type == DescribeCommand.class) {
        return type.cast(new DescribeCommand(console));
      }
      if (type == CallCommand.class) {
        return type.cast(new CallCommand(console));
      }
      if (type == GenerateCommand.class) {
        return type.cast(new GenerateCommand(console));
      }
      return CommandLine.defaultFactory().create(type);
    }
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ArrowRpcCli.class.getPackage().getImplementationVersion();
      return new String[] {"arrow-rpc " + (version == null ? "(development build)" : version)
          + ", vgi-rpc protocol (reference 0.52.2)"};
    }
  }

  /**
   * Where a run reads and writes.
   *
   * @param in standard input (exchange input as JSON lines)
   * @param out results
   * @param err diagnostics, service logs, progress
   * @param terminal whether {@code err} is a terminal (progress is shown by default then)
   * @param outTerminal whether {@code out} is a terminal (Arrow IPC bytes are not written to one)
   */
  record Console(InputStream in, PrintStream out, PrintStream err, boolean terminal, boolean outTerminal) {
    /**
     * Whether one of this process's standard streams is a terminal: on Linux, its descriptor links
     * to a tty device; elsewhere the JVM's console test.
     *
     * @param fd 1 for stdout, 2 for stderr
     * @return true for a terminal
     */
    static boolean isTerminal(int fd) {
      try {
        String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        return System.console() != null;
      }
    }
  }

  /** Unwraps an unchecked I/O failure for the message. */
  static Throwable root(Throwable e) {
    return e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
  }
}
