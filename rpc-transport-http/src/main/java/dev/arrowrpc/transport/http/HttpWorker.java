package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.auth.AuthReason;
import dev.arrowrpc.core.auth.AuthRequest;
import dev.arrowrpc.core.auth.AuthenticationException;
import dev.arrowrpc.core.auth.BearerTokenAuthenticator;
import dev.arrowrpc.core.auth.HmacStreamTokens;
import dev.arrowrpc.core.auth.SealedStreamTokens;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.runtime.JsonlAccessLog;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * Runs an HTTP worker from command-line flags, the way the reference's conformance harness starts
 * one: binds, prints {@code PORT:<port>} as the first line of standard output, serves until SIGTERM
 * or SIGINT, then drains the requests in flight and exits.
 *
 * <p>Flags ({@link Options#parse} ignores any others, so a worker can mix them with its own):
 *
 * <pre>
 * --http [PORT]              serve HTTP (an optional port, as the reference's --http 0)
 * --host HOST                bind address (default 127.0.0.1)
 * --port PORT                port (default 0: any free port)
 * --prefix PATH              URL prefix (default "": the root)
 * --token-key KEY            stream-token signing key, hex or base64 (default: ARROWRPC_SIGNING_KEY,
 *                            else a random per-process key)
 * --token-ttl SECONDS        stream-token lifetime (default 3600; 0: no limit)
 * --max-request-bytes N      request-size limit, received and decoded (default 256 MiB)
 * --no-compression           never compress responses (default: zstd or gzip for clients that ask)
 * --max-response-bytes N     cap every response body (decoded Arrow IPC bytes), advertised
 * --cors-origin ORIGIN       allow a browser origin (repeatable; * for any)
 * --bearer-token TOKEN       require Authorization: Bearer TOKEN (principal "client")
 * --http-auth                refuse every call with 401 (/health still answers); a conformance
 *                            affordance: the reason is the one X-Conformance-Auth-Reason names
 *                            (missing_credential, invalid_credential, expired_credential,
 *                            insufficient_scope), else unauthorized
 * --proof-mode off|allow|require   gate calls on a VGI-Proxy-Proof (default require when another
 *                            --proof-* flag is given, else off)
 * --proof-origin-id ID       this worker's proxy-proof origin id
 * --proof-secrets KID:HEX[,KID:HEX]  accepted proxy-proof keys (64 hex digits each)
 * --proof-skew SECONDS       proxy-proof timestamp half-window (default 30)
 * --proof-no-replay-cache    accept a replayed proof inside its window
 * --fail-serve-start-once    a conformance affordance: the first serve-start notification fails
 * --worker-threads N         threads running calls
 * </pre>
 *
 * <p>{@link #main} serves one service named by class: {@code --service INTERFACE --implementation
 * CLASS} (a public no-argument constructor), with {@code --access-log PATH} appending JSONL access
 * records.
 */
public final class HttpWorker {
  private HttpWorker() {}

  /**
   * The worker's HTTP settings.
   *
   * @param http whether {@code --http} was given
   * @param host the bind address
   * @param port the port
   * @param prefix the URL prefix
   * @param tokenKey the signing key's text, if given
   * @param tokenTtl the token lifetime
   * @param maxRequestBytes the request-size limit, if given
   * @param responseCompression whether responses are compressed when asked
   * @param maxResponseBytes the response-size cap, if given
   * @param corsOrigins the allowed browser origins
   * @param bearerToken the bearer token required, if any
   * @param rejectAll whether every call is refused with 401
   * @param workerThreads the worker thread count, if given
   * @param proxyProof the proxy-proof gate, if any {@code --proof-*} flag was given
   * @param failServeStartOnce whether the first serve-start notification fails
   */
  public record Options(boolean http, String host, int port, String prefix, Optional<String> tokenKey,
      Duration tokenTtl, Optional<Long> maxRequestBytes, boolean responseCompression,
      Optional<Long> maxResponseBytes, List<String> corsOrigins,
      Optional<String> bearerToken, boolean rejectAll, Optional<Integer> workerThreads,
      Optional<ProxyProofConfig> proxyProof, boolean failServeStartOnce) {

    /**
     * Copies the list.
     *
     * @param http whether {@code --http} was given
     * @param host the bind address
     * @param port the port
     * @param prefix the URL prefix
     * @param tokenKey the signing key's text, if given
     * @param tokenTtl the token lifetime
     * @param maxRequestBytes the request-size limit, if given
     * @param responseCompression whether responses are compressed when asked
     * @param maxResponseBytes the response-size cap, if given
     * @param corsOrigins the allowed browser origins
     * @param bearerToken the bearer token required, if any
     * @param rejectAll whether every call is refused with 401
     * @param workerThreads the worker thread count, if given
     * @param proxyProof the proxy-proof gate, if any {@code --proof-*} flag was given
     * @param failServeStartOnce whether the first serve-start notification fails
     */
    public Options {
      corsOrigins = List.copyOf(corsOrigins);
    }

    /**
     * Reads the flags this class knows; others are skipped.
     *
     * @param args the command line
     * @return the options
     * @throws IllegalArgumentException when a known flag lacks its value or has a bad one
     */
    public static Options parse(List<String> args) {
      boolean http = false;
      String host = "127.0.0.1";
      int port = 0;
      String prefix = "";
      Optional<String> tokenKey = Optional.empty();
      Duration ttl = HmacStreamTokens.DEFAULT_TTL;
      Optional<Long> maxRequest = Optional.empty();
      boolean compression = true;
      Optional<Long> maxResponse = Optional.empty();
      List<String> origins = new ArrayList<>();
      Optional<String> bearer = Optional.empty();
      boolean rejectAll = false;
      Optional<Integer> threads = Optional.empty();
      ProofFlags proof = new ProofFlags();
      boolean failServeStartOnce = false;
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        switch (arg) {
          case "--http" -> {
            http = true;
            if (i + 1 < args.size() && args.get(i + 1).matches("\\d+")) {
              port = parsePort(args.get(++i));
            }
          }
          case "--host" -> host = value(args, ++i, arg);
          case "--port" -> port = parsePort(value(args, ++i, arg));
          case "--prefix" -> prefix = value(args, ++i, arg);
          case "--token-key" -> tokenKey = Optional.of(value(args, ++i, arg));
          case "--token-ttl" -> ttl = Duration.ofSeconds(number(value(args, ++i, arg), arg));
          case "--max-request-bytes" -> maxRequest = Optional.of(number(value(args, ++i, arg), arg));
          case "--no-compression" -> compression = false;
          case "--max-response-bytes" -> maxResponse = Optional.of(number(value(args, ++i, arg), arg));
          case "--cors-origin" -> origins.add(value(args, ++i, arg));
          case "--bearer-token" -> bearer = Optional.of(value(args, ++i, arg));
          case "--http-auth" -> rejectAll = true;
          case "--worker-threads" -> threads = Optional.of((int) number(value(args, ++i, arg), arg));
          case "--proof-mode" -> proof.mode = Optional.of(ProxyProofMode.parse(value(args, ++i, arg)));
          case "--proof-origin-id" -> proof.originId = Optional.of(value(args, ++i, arg));
          case "--proof-secrets" -> proof.secrets = Optional.of(value(args, ++i, arg));
          case "--proof-skew" -> proof.skew = Optional.of(number(value(args, ++i, arg), arg));
          case "--proof-no-replay-cache" -> proof.noReplayCache = true;
          case "--fail-serve-start-once" -> failServeStartOnce = true;
          default -> {
            // another component's flag
          }
        }
      }
      return new Options(http, host, port, prefix, tokenKey, ttl, maxRequest, compression, maxResponse, origins, bearer,
          rejectAll, threads, proof.config(), failServeStartOnce);
    }

    /** The {@code --proof-*} flags as given. */
    private static final class ProofFlags {
      Optional<ProxyProofMode> mode = Optional.empty();
      Optional<String> originId = Optional.empty();
      Optional<String> secrets = Optional.empty();
      Optional<Long> skew = Optional.empty();
      boolean noReplayCache;

      /** The configuration, strictly validated; empty when no proof flag was given. */
      Optional<ProxyProofConfig> config() {
        if (mode.isEmpty() && originId.isEmpty() && secrets.isEmpty() && skew.isEmpty() && !noReplayCache) {
          return Optional.empty();
        }
        ProxyProofMode chosen = mode.orElse(ProxyProofMode.REQUIRE);
        return Optional.of(new ProxyProofConfig(chosen, originId.orElse(""),
            chosen == ProxyProofMode.OFF ? secrets.map(ProxyProofConfig::parseSecrets).orElse(java.util.Map.of())
                : ProxyProofConfig.parseSecrets(secrets.orElse("")),
            skew.map(Duration::ofSeconds).orElse(ProxyProofConfig.DEFAULT_SKEW), !noReplayCache,
            NonceCache.DEFAULT_CAPACITY));
      }
    }

    private static String value(List<String> args, int index, String flag) {
      if (index >= args.size()) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      return args.get(index);
    }

    private static long number(String text, String flag) {
      try {
        long value = Long.parseLong(text);
        if (value < 0) {
          throw new NumberFormatException();
        }
        return value;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " takes a non-negative integer, got " + text);
      }
    }

    private static int parsePort(String text) {
      long port = number(text, "--port");
      if (port > 65535) {
        throw new IllegalArgumentException("port out of range: " + text);
      }
      return (int) port;
    }

    /**
     * Configures a server builder with these options.
     *
     * @param builder the builder
     * @return the same builder
     */
    public HttpRpcServer.Builder apply(HttpRpcServer.Builder builder) {
      builder.host(host).port(port).prefix(prefix).responseCompression(responseCompression);
      maxResponseBytes.ifPresent(builder::maxResponseBytes);
      HmacStreamTokens.Builder tokens = HmacStreamTokens.builder().ttl(tokenTtl);
      tokenKey.ifPresent(tokens::key);
      builder.tokens(SealedStreamTokens.of(tokens.build()));
      maxRequestBytes.ifPresent(builder::maxRequestBytes);
      if (!corsOrigins.isEmpty()) {
        builder.cors(corsOrigins.toArray(String[]::new));
      }
      if (rejectAll) {
        builder.authenticator(HttpWorker::refuseEveryCall);
      } else {
        bearerToken.ifPresent(token -> builder.authenticator(BearerTokenAuthenticator.of(token, "client")));
      }
      workerThreads.ifPresent(builder::workerThreads);
      proxyProof.ifPresent(builder::proxyProof);
      if (failServeStartOnce) {
        builder.onServeStart(new FailOnce());
      }
      return builder;
    }
  }

  /** The header through which a conformance test names the 401 reason {@code --http-auth} gives. */
  static final String CONFORMANCE_REASON_HEADER = "X-Conformance-Auth-Reason";

  /**
   * The {@code --http-auth} authenticator: refuses every call, with the reason the request names in
   * {@value #CONFORMANCE_REASON_HEADER} when it is one a request can name (a test affordance: a
   * production server never lets the request choose its reason), else {@code unauthorized}.
   */
  private static Identity refuseEveryCall(AuthRequest request) throws AuthenticationException {
    AuthReason reason = request.header(CONFORMANCE_REASON_HEADER).map(String::strip).flatMap(code -> {
      for (AuthReason candidate : new AuthReason[] {AuthReason.MISSING_CREDENTIAL, AuthReason.INVALID_CREDENTIAL,
          AuthReason.EXPIRED_CREDENTIAL, AuthReason.INSUFFICIENT_SCOPE}) {
        if (candidate.code().equals(code)) {
          return Optional.of(candidate);
        }
      }
      return Optional.empty();
    }).orElse(AuthReason.UNAUTHORIZED);
    throw new AuthenticationException(reason, "this worker refuses every call");
  }

  /** The {@code --fail-serve-start-once} hook: fails its first run only. */
  private static final class FailOnce implements ServeStartHook {
    private final AtomicBoolean failed = new AtomicBoolean();

    @Override
    public void onServeStart() {
      if (failed.compareAndSet(false, true)) {
        throw new IllegalStateException("injected serve-start failure (--fail-serve-start-once)");
      }
    }
  }

  /**
   * Starts an HTTP server for an RPC server.
   *
   * @param server the RPC server
   * @param options the settings
   * @return the running HTTP server
   */
  public static HttpRpcServer start(RpcServer server, Options options) {
    return options.apply(HttpRpcServer.builder(server)).start();
  }

  /**
   * Starts serving, prints {@code PORT:<port>} (then flushes), and blocks until SIGTERM or SIGINT
   * has drained the server.
   *
   * @param server the RPC server (left open; the process is ending)
   * @param options the settings
   * @param out where the port line goes (standard output)
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public static void run(RpcServer server, Options options, PrintStream out) throws InterruptedException {
    run(server, options, UnaryOperator.identity(), out);
  }

  /**
   * As {@link #run(RpcServer, Options, PrintStream)}, letting the caller configure the server
   * beyond the options (a worker's own flags) before it starts.
   *
   * @param server the RPC server (left open; the process is ending)
   * @param options the settings
   * @param customize applied to the builder after the options
   * @param out where the port line goes (standard output)
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public static void run(RpcServer server, Options options, UnaryOperator<HttpRpcServer.Builder> customize,
      PrintStream out) throws InterruptedException {
    HttpRpcServer http = customize.apply(options.apply(HttpRpcServer.builder(server))).start();
    Runtime.getRuntime().addShutdownHook(new Thread(http::close, "http-worker-shutdown"));
    out.println("PORT:" + http.port());
    out.flush();
    http.awaitTermination();
  }

  /**
   * Serves the service named by {@code --service} with an instance of {@code --implementation},
   * over HTTP as the other flags say.
   *
   * @param args the command line
   * @throws Exception when the classes cannot be loaded or the server cannot start
   */
  public static void main(String[] args) throws Exception {
    List<String> list = Arrays.asList(args);
    String service = flag(list, "--service");
    String implementation = flag(list, "--implementation");
    Class<?> type = Class.forName(service);
    Object instance = Class.forName(implementation).getConstructor().newInstance();
    RpcServer.Builder builder = RpcServer.builder(type, instance);
    int log = list.indexOf("--access-log");
    if (log >= 0 && log + 1 < list.size()) {
      builder.listener(JsonlAccessLog.append(Path.of(list.get(log + 1)), true));
    }
    RpcServer server = builder.build();
    run(server, Options.parse(list), System.out);
  }

  private static String flag(List<String> args, String name) {
    int at = args.indexOf(name);
    if (at < 0 || at + 1 >= args.size()) {
      throw new IllegalArgumentException("usage: HttpWorker --service INTERFACE --implementation CLASS [--http ...]");
    }
    return Objects.requireNonNull(args.get(at + 1));
  }
}
