package dev.arrowrpc.conformance;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The command line of the conformance worker, following the reference worker's contract: stdio by
 * default, {@code --unix PATH} or {@code --tcp [HOST:]PORT}, {@code --access-log PATH}; flags the
 * reference needs and this worker does by default ({@code --describe}, {@code --access-log-debug},
 * {@code --threaded}, {@code --pipe}) are accepted.
 *
 * @param transport where to serve
 * @param accessLog where to append access-log records, if anywhere
 * @param trainingStamp internal: run the class-data-sharing training calls and write this stamp file
 */
record WorkerOptions(Transport transport, Optional<Path> accessLog, Optional<Path> trainingStamp) {

  /** The usage text. */
  static final String USAGE = String.join("\n",
      "usage: conformance-worker [--pipe | --unix PATH | --tcp [HOST:]PORT] [--access-log PATH]",
      "                          [--access-log-debug] [--describe] [--threaded] [--max-connections N]",
      "",
      "Serves the vgi-rpc ConformanceService (arrow-rpc, Java).",
      "  --pipe               serve on stdin/stdout (the default)",
      "  --unix PATH          serve on a Unix-domain socket; prints UNIX:<path> once listening",
      "  --tcp [HOST:]PORT    serve on TCP (host 127.0.0.1 by default, port 0 picks one);",
      "                       prints TCP:<host>:<port> once listening",
      "  --access-log PATH    append one JSON line per call (vgi_rpc.access format), flushed per line",
      "  --access-log-debug   accepted; records always carry request_data",
      "  --describe           accepted; __describe__ is always served",
      "  --threaded           accepted; socket connections are always served concurrently",
      "  --max-connections N  accepted with --threaded; at most 64 connections are served at once",
      "HTTP (--http, --host, --port) is not served by this worker.");

  /** Where the worker serves. */
  sealed interface Transport {}

  /** Stdin and stdout. */
  record Pipe() implements Transport {}

  /**
   * A Unix-domain socket.
   *
   * @param path the socket file
   */
  record Unix(Path path) implements Transport {}

  /**
   * A TCP socket.
   *
   * @param host the address to bind
   * @param port the port, 0 for any free one
   */
  record Tcp(String host, int port) implements Transport {}

  /** A command line the worker cannot run; the message says why. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /**
   * Parses a command line.
   *
   * @param args the arguments
   * @return the options
   * @throws UsageException when an argument is unknown, missing its value, or asks for HTTP
   */
  static WorkerOptions parse(List<String> args) throws UsageException {
    Transport transport = null;
    Path accessLog = null;
    Path training = null;
    boolean threaded = false;
    boolean maxConnections = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String flag = arg.contains("=") && arg.startsWith("--") ? arg.substring(0, arg.indexOf('=')) : arg;
      Optional<String> inline = flag.equals(arg) ? Optional.empty() : Optional.of(arg.substring(flag.length() + 1));
      switch (flag) {
        case "--pipe" -> transport = only(transport, new Pipe());
        case "--unix" -> transport = only(transport, new Unix(Path.of(value(args, i++, inline, flag))));
        case "--tcp" -> transport = only(transport, tcp(value(args, i++, inline, flag)));
        case "--access-log" -> accessLog = Path.of(value(args, i++, inline, flag));
        case "--access-log-debug", "--describe" -> { }
        case "--threaded" -> threaded = true;
        case "--max-connections" -> {
          positive(value(args, i++, inline, flag), flag);
          maxConnections = true;
        }
        case "--cds-training" -> training = Path.of(value(args, i++, inline, flag));
        case "--http", "--host", "--port" -> throw new UsageException(
            flag + ": this worker serves pipes, Unix sockets and TCP; HTTP is not available in it");
        default -> throw new UsageException("unknown argument: " + arg);
      }
      if (inline.isPresent() && !takesValue(flag)) {
        throw new UsageException(flag + " takes no value");
      }
    }
    if (transport == null) {
      transport = new Pipe();
    }
    if (threaded && transport instanceof Pipe) {
      throw new UsageException("--threaded requires --unix or --tcp");
    }
    if (maxConnections && !threaded) {
      throw new UsageException("--max-connections requires --threaded");
    }
    return new WorkerOptions(transport, Optional.ofNullable(accessLog), Optional.ofNullable(training));
  }

  private static boolean takesValue(String flag) {
    return switch (flag) {
      case "--unix", "--tcp", "--access-log", "--max-connections", "--cds-training" -> true;
      default -> false;
    };
  }

  private static Transport only(Transport chosen, Transport next) throws UsageException {
    if (chosen != null && !chosen.equals(next)) {
      throw new UsageException("choose one of --pipe, --unix and --tcp");
    }
    return next;
  }

  private static String value(List<String> args, int i, Optional<String> inline, String flag) throws UsageException {
    if (inline.isPresent()) {
      return inline.get();
    }
    if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
      throw new UsageException(flag + " needs a value");
    }
    return args.get(i + 1);
  }

  private static void positive(String text, String flag) throws UsageException {
    try {
      if (Integer.parseInt(text) > 0) {
        return;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(flag + " needs a positive integer, got " + text);
  }

  /** Parses {@code [HOST:]PORT}; the host defaults to 127.0.0.1. */
  static Tcp tcp(String address) throws UsageException {
    int colon = address.lastIndexOf(':');
    String host = colon < 0 || colon == 0 ? "127.0.0.1" : address.substring(0, colon);
    String port = colon < 0 ? address : address.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int number = Integer.parseInt(port);
      if (number < 0 || number > 65535) {
        throw new UsageException("--tcp port out of range: " + port);
      }
      return new Tcp(host, number);
    } catch (NumberFormatException e) {
      throw new UsageException("--tcp expects [HOST:]PORT, got " + address);
    }
  }
}
