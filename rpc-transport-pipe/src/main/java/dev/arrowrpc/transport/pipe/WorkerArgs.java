package dev.arrowrpc.transport.pipe;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A worker's command line, as the launcher contract writes it: {@code --unix PATH}, {@code
 * --idle-timeout SECONDS} (a decimal, as the reference prints it: {@code 300.0}) and {@code
 * --max-connections N}; defaults from {@code $VGI_RPC_IDLE_TIMEOUT} and {@code
 * $VGI_RPC_MAX_CONNECTIONS}. {@code --access-log PATH} (and {@code --access-log-debug}) as the
 * porting guide asks of every worker.
 *
 * @param unix the socket to serve on; empty: serve on stdin/stdout
 * @param idleTimeout how long without a client before the worker stops; zero: never
 * @param maxConnections the most clients served at once
 * @param accessLog where to append one JSON record per call, if anywhere
 * @param accessLogDebug whether the access channel is at DEBUG (the records are the same)
 * @param tcp the address to serve TCP on ({@code --tcp [HOST:]PORT}), if asked
 */
record WorkerArgs(Optional<Path> unix, Duration idleTimeout, int maxConnections, Optional<Path> accessLog,
    boolean accessLogDebug, Optional<InetSocketAddress> tcp) {
  /** Arguments without an access log. */
  WorkerArgs(Optional<Path> unix, Duration idleTimeout, int maxConnections) {
    this(unix, idleTimeout, maxConnections, Optional.empty(), false, Optional.empty());
  }

  /**
   * Reads only the access-log flags of a command line that another transport serves (its flags are
   * its own), and the rest of the line without them.
   *
   * @param args the arguments
   * @return the access-log settings (the other fields at their defaults)
   */
  static WorkerArgs accessLogOf(String[] args) {
    Optional<Path> accessLog = Optional.empty();
    boolean debug = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--access-log-debug")) {
        debug = true;
      } else if (args[i].equals("--access-log")) {
        if (i + 1 >= args.length || args[i + 1].isEmpty()) {
          throw new IllegalArgumentException("--access-log needs a path");
        }
        accessLog = Optional.of(Path.of(args[++i]));
      } else if (args[i].startsWith("--access-log=")) {
        String value = args[i].substring("--access-log=".length());
        if (value.isEmpty()) {
          throw new IllegalArgumentException("--access-log needs a path");
        }
        accessLog = Optional.of(Path.of(value));
      }
    }
    return new WorkerArgs(Optional.empty(), DEFAULT_IDLE_TIMEOUT, ConnectionLimits.DEFAULT_MAX_CONNECTIONS, accessLog,
        debug, Optional.empty());
  }

  /**
   * {@return the command line without its access-log flags}
   *
   * @param args the arguments
   */
  static java.util.List<String> withoutAccessLog(String[] args) {
    java.util.List<String> rest = new java.util.ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--access-log")) {
        i++;
      } else if (!args[i].equals("--access-log-debug") && !args[i].startsWith("--access-log=")) {
        rest.add(args[i]);
      }
    }
    return rest;
  }

  /** The idle timeout without flag or environment variable. */
  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(300);
  /** A day: the longest idle timeout taken. */
  private static final double MAX_SECONDS = 86_400;
  /** What {@code --max-connections 0} (unlimited) becomes. */
  private static final int UNLIMITED = 4096;

  /**
   * Parses a command line.
   *
   * @param args the arguments
   * @param environment the process environment
   * @return the parsed arguments
   * @throws IllegalArgumentException naming an unknown flag, a missing value or a malformed one
   */
  static WorkerArgs parse(String[] args, Map<String, String> environment) {
    Optional<Path> unix = Optional.empty();
    Optional<Path> accessLog = Optional.empty();
    boolean accessLogDebug = false;
    Optional<InetSocketAddress> tcp = Optional.empty();
    String idle = environment.get("VGI_RPC_IDLE_TIMEOUT");
    String max = environment.get("VGI_RPC_MAX_CONNECTIONS");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String flag = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        flag = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (flag.equals("--access-log-debug") && value == null) {
        accessLogDebug = true;
        continue;
      }
      if (flag.equals("--http")) {
        throw new IllegalArgumentException("worker argument '" + arg + "' needs a transport this worker's class path"
            + " does not have (add rpc-transport-http: it serves --http)");
      }
      if (!flag.equals("--unix") && !flag.equals("--idle-timeout") && !flag.equals("--max-connections")
          && !flag.equals("--access-log") && !flag.equals("--tcp")) {
        throw new IllegalArgumentException("unknown worker argument '" + arg
            + "' (expected --unix PATH, --tcp [HOST:]PORT, --idle-timeout SECONDS, --max-connections N,"
            + " --access-log PATH, --access-log-debug)");
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        value = args[++i];
      }
      switch (flag) {
        case "--unix" -> {
          if (value.isEmpty()) {
            throw new IllegalArgumentException("--unix needs a path");
          }
          unix = Optional.of(Path.of(value).toAbsolutePath());
        }
        case "--tcp" -> tcp = Optional.of(tcpAddress(value));
        case "--access-log" -> {
          if (value.isEmpty()) {
            throw new IllegalArgumentException("--access-log needs a path");
          }
          accessLog = Optional.of(Path.of(value));
        }
        case "--idle-timeout" -> idle = value;
        default -> max = value;
      }
    }
    if (unix.isPresent() && tcp.isPresent()) {
      throw new IllegalArgumentException("--unix and --tcp are two transports: give one");
    }
    return new WorkerArgs(unix, idleTimeout(idle), maxConnections(max), accessLog, accessLogDebug, tcp);
  }

  /** {@code [HOST:]PORT}, the host 127.0.0.1 when left out, as the reference reads it. */
  private static InetSocketAddress tcpAddress(String value) {
    int colon = value.lastIndexOf(':');
    String host = colon <= 0 ? "127.0.0.1" : value.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--tcp expects [HOST:]PORT, got '" + value + "'");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--tcp port must be from 0 through 65535, got '" + value + "'");
    }
    return new InetSocketAddress(host, port);
  }

  private static Duration idleTimeout(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT_IDLE_TIMEOUT;
    }
    double seconds;
    try {
      seconds = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--idle-timeout expects seconds, got '" + text + "'");
    }
    if (!(seconds >= 0) || seconds > MAX_SECONDS) {
      throw new IllegalArgumentException("--idle-timeout must be between 0 and " + (long) MAX_SECONDS
          + " seconds, got '" + text + "'");
    }
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  private static int maxConnections(String text) {
    if (text == null || text.isBlank()) {
      return ConnectionLimits.DEFAULT_MAX_CONNECTIONS;
    }
    int max;
    try {
      max = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--max-connections expects a whole number, got '" + text + "'");
    }
    if (max < 0 || max > UNLIMITED) {
      throw new IllegalArgumentException("--max-connections must be between 0 (unlimited, "
          + UNLIMITED + ") and " + UNLIMITED + ", got '" + text + "'");
    }
    return max == 0 ? UNLIMITED : max;
  }
}
