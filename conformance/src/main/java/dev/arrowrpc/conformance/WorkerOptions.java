package dev.arrowrpc.conformance;

import dev.arrowrpc.transport.http.HttpWorker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The command line of the conformance worker, following the reference worker's contract: stdio by
 * default, {@code --unix PATH}, {@code --tcp [HOST:]PORT} or {@code --http [PORT]}, {@code
 * --access-log PATH} and {@code --access-log-debug}; flags the reference needs and this worker does
 * by default ({@code --describe}, {@code --threaded}, {@code --pipe}) are accepted. With
 * {@code --http}, the flags {@link HttpWorker.Options} reads configure the HTTP server.
 *
 * @param transport where to serve
 * @param accessLog where to append access-log records, if anywhere
 * @param accessLogDebug whether the access channel is at DEBUG (as the reference's flag: the records
 *     stay the same, since no level logs request payloads)
 * @param trainingStamp internal: run the class-data-sharing training calls and write this stamp file
 * @param secondaryFirst whether conformance.Secondary.v1 is registered before ConformanceService
 *     (a protocol order that is not alphabetical, for vgi-rpc-test-hosted)
 * @param kindProbe whether the shared suite's transport-kind probe protocol ({@link
 *     KindProbeService}) is hosted too
 * @param diagnostics whether the memory-diagnostics protocol ({@link DiagnosticsService}) is hosted too
 */
record WorkerOptions(Transport transport, Optional<Path> accessLog, boolean accessLogDebug,
    Optional<Path> trainingStamp, boolean secondaryFirst, boolean kindProbe, boolean diagnostics) {

  /** The usage text. */
  static final String USAGE = String.join("\n",
      "usage: conformance-worker [--pipe | --unix PATH | --tcp [HOST:]PORT | --http [PORT] [HTTP flags]]",
      "                          [--access-log PATH] [--access-log-debug] [--describe] [--threaded]",
      "                          [--secondary-first] [--kind-probe] [--diagnostics]",
      "                          [--max-connections N]",
      "",
      "Serves the vgi-rpc ConformanceService (arrow-rpc, Java).",
      "  --pipe               serve on stdin/stdout (the default)",
      "  --unix PATH          serve on a Unix-domain socket; prints UNIX:<path> once listening",
      "  --tcp [HOST:]PORT    serve on TCP (host 127.0.0.1 by default, port 0 picks one);",
      "                       prints TCP:<host>:<port> once listening",
      "  --access-log PATH    append one JSON line per call (vgi_rpc.access format), flushed per line",
      "  --access-log-debug   open the access channel to DEBUG (records are the same: no level logs",
      "                       request or response values)",
      "  --describe           accepted; vgi_rpc.Reflection.v1 is always hosted (__describe__ is retired)",
      "  --secondary-first    register conformance.Secondary.v1 before ConformanceService",
      "  --kind-probe         also host _KindProbe (report_transport_kind: the call's transport kind)",
      "  --diagnostics        also host arrowrpc.Diagnostics.v1 (allocated Arrow bytes, heap after GC;",
      "                       for the reliability harness)",
      "  --threaded           accepted; socket connections are always served concurrently",
      "  --max-connections N  accepted with --threaded; at most 64 connections are served at once",
      "External storage (every transport; see StorageOptions):",
      "  --fake-storage URL   externalize large batches to the fake object store at URL, resolve",
      "                       inbound pointer batches; over HTTP also serve __upload_url__/init",
      "  --externalize-threshold N      externalize batches of at least N bytes (default 4096)",
      "  --compression none|zstd        compress externalized objects (default none)",
      "  --max-fetch-bytes N, --max-decompressed-fetch-bytes N   caps when resolving pointers",
      "  --reject-localhost-redirects   fetch pointers only from 127.0.0.1",
      "  --max-externalized-response-bytes N   cap on bytes one response uploads",
      "  --http [PORT]        serve HTTP at the root prefix; prints PORT:<port> once listening",
      "HTTP flags (only with --http):",
      "  --host HOST               bind address (default 127.0.0.1)",
      "  --port PORT               port (default 0: any free port)",
      "  --prefix PATH             URL prefix (default \"\": the root)",
      "  --token-key KEY           stream-token signing key, hex or base64 (default: $ARROWRPC_SIGNING_KEY,",
      "                            else a random key for this process); replicas sharing a key resume",
      "                            each other's streams",
      "  --token-ttl SECONDS       stream-token lifetime (default 3600; 0: no limit)",
      "  --max-request-bytes N     request-size limit, received and decoded (default 256 MiB)",
      "  --no-compression          never compress responses (default: zstd or gzip when asked)",
      "  --max-response-bytes N    cap every response body (decoded Arrow IPC bytes), advertised",
      "  --no-call-state-cache     accepted; continuations are always resolved from the call token",
      "  --cors-origin ORIGIN      allow a browser origin (repeatable; * for any)",
      "  --bearer-token TOKEN      require Authorization: Bearer TOKEN",
      "  --http-auth               refuse every call with 401 (/health still answers), with the reason",
      "                            X-Conformance-Auth-Reason names (a test affordance), else unauthorized",
      "  --proof-mode off|allow|require   gate calls on a VGI-Proxy-Proof (default require when another",
      "                            --proof-* flag is given)",
      "  --proof-origin-id ID      this worker's proxy-proof origin id",
      "  --proof-secrets KID:HEX[,KID:HEX]  accepted proxy-proof keys (64 hex digits each)",
      "  --proof-skew SECONDS      proxy-proof timestamp half-window (default 30)",
      "  --proof-no-replay-cache   accept a replayed proof inside its window",
      "  --fail-serve-start-once   the first serve-start notification fails (HTTP 500)",
      "  --max-externalized-response-bytes N  accepted (no external storage: not advertised)",
      "  --worker-threads N        threads running calls",
      "  --sticky                  serve sticky sessions (echo header x-vgi-conformance-echo, test-only",
      "                            POST/DELETE {prefix}/__test_drain__); off by default",
      "  --sticky-ttl SECONDS      default sticky-session lifetime (default 300)",
      "  --sticky-auth             the caller is the principal named in X-Conformance-Principal",
      "                            (anonymous without it)",
      "  --identity MODE           host vgi_rpc.Identity.v2 under the conformance fixture policy",
      "                            (both|introspect-only|grants; grants adds conformance.Whoami.v1);",
      "                            implies principal-header auth (X-Conformance-Principal)");

  /** The HTTP flags that take a value (passed on to {@link HttpWorker.Options#parse}). */
  private static final Set<String> HTTP_VALUE_FLAGS = Set.of("--host", "--port", "--prefix", "--token-key",
      "--token-ttl", "--max-request-bytes", "--max-response-bytes", "--cors-origin", "--bearer-token",
      "--worker-threads",
      // proxy proof (docs/proxy-proof-spec.md)
      "--proof-mode", "--proof-origin-id", "--proof-secrets", "--proof-skew",
      // the external channel's response cap: accepted; there is no external storage, so nothing is advertised
      "--max-externalized-response-bytes",
      // sticky sessions (StickyFlags)
      "--sticky-ttl",
      // vgi_rpc.Identity.v2 under the conformance fixture's policy (IdentityFixture)
      "--identity");

  /** The HTTP flags that take none. */
  private static final Set<String> HTTP_SWITCHES = Set.of("--no-compression", "--http-auth",
      // every continuation is resolved from the call token it echoes: there is no call-state cache
      "--no-call-state-cache",
      // sticky sessions (StickyFlags): on, and callers named by X-Conformance-Principal
      "--sticky", "--sticky-auth",
      "--proof-no-replay-cache",
      // the first serve-start notification fails (HTTP 500); the next request retries it
      "--fail-serve-start-once");

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

  /**
   * HTTP.
   *
   * @param options the server settings
   * @param sticky the sticky-session flags
   */
  record Http(HttpWorker.Options options, StickyFlags sticky) implements Transport {}

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
   * @throws UsageException when an argument is unknown, missing its value, or out of place
   */
  static WorkerOptions parse(List<String> args) throws UsageException {
    Transport transport = null;
    Path accessLog = null;
    boolean accessLogDebug = false;
    boolean secondaryFirst = false;
    boolean kindProbe = false;
    boolean diagnostics = false;
    Path training = null;
    boolean threaded = false;
    boolean maxConnections = false;
    boolean http = false;
    List<String> httpArgs = new ArrayList<>();
    String httpOnlyFlag = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String flag = arg.contains("=") && arg.startsWith("--") ? arg.substring(0, arg.indexOf('=')) : arg;
      Optional<String> inline = flag.equals(arg) ? Optional.empty() : Optional.of(arg.substring(flag.length() + 1));
      switch (flag) {
        case "--pipe" -> transport = only(transport, new Pipe());
        case "--unix" -> transport = only(transport, new Unix(Path.of(value(args, i, inline, flag))));
        case "--tcp" -> transport = only(transport, tcp(value(args, i, inline, flag)));
        case "--access-log" -> accessLog = Path.of(value(args, i, inline, flag));
        case "--access-log-debug" -> accessLogDebug = true;
        case "--secondary-first" -> secondaryFirst = true;
        case "--kind-probe" -> kindProbe = true;
        case "--diagnostics" -> diagnostics = true;
        case "--describe" -> { }
        case "--threaded" -> threaded = true;
        case "--max-connections" -> {
          positive(value(args, i, inline, flag), flag);
          maxConnections = true;
        }
        case "--cds-training" -> training = Path.of(value(args, i, inline, flag));
        // external storage, on every transport: read by StorageOptions
        case "--fake-storage", "--externalize-threshold", "--compression", "--max-fetch-bytes",
            "--max-decompressed-fetch-bytes", "--max-externalized-response-bytes" -> value(args, i, inline, flag);
        case "--reject-localhost-redirects" -> { }
        case "--http" -> {
          http = true;
          httpArgs.add(flag);
          if (inline.isPresent()) {
            httpArgs.add(inline.get());
          } else if (i + 1 < args.size() && args.get(i + 1).matches("\\d+")) {
            httpArgs.add(args.get(++i));
          }
        }
        default -> {
          if (HTTP_VALUE_FLAGS.contains(flag)) {
            httpArgs.add(flag);
            httpArgs.add(value(args, i, inline, flag));
          } else if (HTTP_SWITCHES.contains(flag)) {
            httpArgs.add(flag);
          } else {
            throw new UsageException("unknown argument: " + arg);
          }
          httpOnlyFlag = httpOnlyFlag == null ? flag : httpOnlyFlag;
        }
      }
      if (inline.isPresent() && !takesValue(flag)) {
        throw new UsageException(flag + " takes no value");
      }
      if (inline.isEmpty() && takesValue(flag) && !flag.equals("--http")) {
        i++; // its value was the next argument (--http consumed its optional port itself)
      }
    }
    if (http) {
      try {
        transport = only(transport, new Http(HttpWorker.Options.parse(httpArgs), StickyFlags.parse(httpArgs)));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    } else if (httpOnlyFlag != null) {
      throw new UsageException(httpOnlyFlag + " requires --http");
    }
    if (transport == null) {
      transport = new Pipe();
    }
    if (threaded && (transport instanceof Pipe || transport instanceof Http)) {
      throw new UsageException("--threaded requires --unix or --tcp");
    }
    if (maxConnections && !threaded) {
      throw new UsageException("--max-connections requires --threaded");
    }
    return new WorkerOptions(transport, Optional.ofNullable(accessLog), accessLogDebug, Optional.ofNullable(training),
        secondaryFirst, kindProbe, diagnostics);
  }

  private static boolean takesValue(String flag) {
    return switch (flag) {
      case "--unix", "--tcp", "--access-log", "--max-connections", "--cds-training", "--http" -> true;
      default -> HTTP_VALUE_FLAGS.contains(flag) || StorageOptions.VALUE_FLAGS.contains(flag);
    };
  }

  private static Transport only(Transport chosen, Transport next) throws UsageException {
    if (chosen != null && !chosen.equals(next)) {
      throw new UsageException("choose one of --pipe, --unix, --tcp and --http");
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
