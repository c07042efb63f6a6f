package dev.arrowrpc.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The worker under test: {@code conformance/bin/conformance-worker --diagnostics} started as its
 * own process on one surface. It knows the process's memory (from {@code /proc}), what its stderr
 * said, and how to open connections to it.
 */
final class Worker implements AutoCloseable {
  /**
   * Stderr lines that mean something escaped: a stack frame, an uncaught exception, a JVM error.
   * A refused request is logged (if at all) as one line without a trace.
   */
  private static final Pattern ESCAPED = Pattern.compile(
      "^\\s+at [\\w$.]+\\(|Exception in thread|OutOfMemoryError|StackOverflowError|# A fatal error");

  /** The HTTP worker's stream-token key (hex), fixed so the harness can forge authentic tokens. */
  static final String TOKEN_KEY_HEX = "5eed".repeat(16);
  /**
   * The HTTP worker's request limit: well below the 256 MiB default, so a body or bomb just past it
   * is cheap to send and decode, and a worker that holds a few times the limit stays inside the
   * harness's memory bound (at the default, one such case leaves the worker's RSS ~600 MiB up for
   * the rest of the run, and every later case would fail on memory).
   */
  static final long HTTP_MAX_REQUEST_BYTES = 32L << 20;

  private final Surface surface;
  private final Path launcher;
  private final Path scratch;
  private Process process;
  private String address;
  private final AtomicInteger escapedLines = new AtomicInteger();
  private final List<String> escapedSamples = new ArrayList<>();
  private final java.util.ArrayDeque<String> recentLines = new java.util.ArrayDeque<>();
  private Link pipeLink;

  private Worker(Surface surface, Path launcher, Path scratch) {
    this.surface = surface;
    this.launcher = launcher;
    this.scratch = scratch;
  }

  static Worker start(Surface surface, Path root, Path scratch) throws IOException {
    Worker worker = new Worker(surface, root.resolve("conformance/bin/conformance-worker"), scratch);
    worker.launch();
    return worker;
  }

  Surface surface() {
    return surface;
  }

  /** The worker's launcher script (for a scenario that starts a worker of its own). */
  Path launcher() {
    return launcher;
  }

  private void launch() throws IOException {
    List<String> command = new ArrayList<>(List.of(launcher.toString(), "--diagnostics"));
    switch (surface) {
      case PIPE -> { }
      case UNIX -> {
        Path socket = scratch.resolve("worker-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".sock");
        command.addAll(List.of("--unix", socket.toString()));
      }
      case TCP -> command.addAll(List.of("--tcp", "127.0.0.1:0"));
      case HTTP -> command.addAll(List.of("--http", "0", "--token-key", TOKEN_KEY_HEX,
          "--max-request-bytes", Long.toString(HTTP_MAX_REQUEST_BYTES)));
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    // the heap's pages are touched at start: resident memory then grows only with what the worker
    // really takes, not with the first use of heap it already committed (a 10-minute load otherwise
    // shows the old generation paging in as +8-13% RSS, with heap and allocators flat)
    String extra = builder.environment().getOrDefault("CONFORMANCE_WORKER_JAVA_OPTS", "");
    builder.environment().put("CONFORMANCE_WORKER_JAVA_OPTS", ("-XX:+AlwaysPreTouch " + extra).trim());
    process = builder.start();
    Thread pump = new Thread(() -> pumpStderr(process.getErrorStream()), "worker-stderr");
    pump.setDaemon(true);
    pump.start();
    if (surface == Surface.PIPE) {
      pipeLink = new PipeLink(process);
      address = "stdio";
      return;
    }
    BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = stdout.readLine();
    if (line == null) {
      throw new IOException("the worker exited before it listened (" + surface.label() + ")");
    }
    address = line.substring(line.indexOf(':') + 1);
  }

  private void pumpStderr(InputStream err) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        synchronized (recentLines) {
          if (recentLines.size() == 80) {
            recentLines.removeFirst();
          }
          recentLines.addLast(line);
        }
        if (ESCAPED.matcher(line).find()) {
          escapedLines.incrementAndGet();
          synchronized (escapedSamples) {
            if (escapedSamples.size() < 20) {
              escapedSamples.add(line);
            }
          }
        }
      }
    } catch (IOException e) {
      // the worker went away
    }
  }

  /** How many stderr lines so far showed an escaped exception. */
  int escapedLines() {
    return escapedLines.get();
  }

  /** The last stderr lines (up to 80), for a report on a failed case. */
  List<String> recentLines() {
    synchronized (recentLines) {
      return List.copyOf(recentLines);
    }
  }

  List<String> escapedSamples() {
    synchronized (escapedSamples) {
      return List.copyOf(escapedSamples);
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Waits for the process to end; its exit status, or -1 if it did not end in time. */
  int awaitExit(long millis) throws InterruptedException {
    return process.waitFor(millis, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** Stops the process (a hung or finished stdio worker) and starts a fresh one on the same surface. */
  void restart() throws IOException {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    launch();
  }

  /** The base URL over HTTP. */
  String url() {
    return "http://127.0.0.1:" + address;
  }

  /** The TCP address ({@code host:port}) or the Unix socket path. */
  String address() {
    return address;
  }

  /**
   * A connection to the worker. Over stdio there is one, the process's pipes; over a socket each
   * call opens a new one.
   */
  Link connect() throws IOException {
    switch (surface) {
      case PIPE:
        return pipeLink;
      case UNIX: {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(address));
        return new ChannelLink(channel);
      }
      case TCP: {
        int colon = address.lastIndexOf(':');
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
            5_000);
        return new SocketLink(socket);
      }
      default:
        throw new IllegalStateException("no byte channel over " + surface.label());
    }
  }

  /** Resident memory now, in KiB (VmRSS). */
  long rssKb() {
    return procStatus("VmRSS:");
  }

  /** The peak resident memory since the last {@link #resetPeak()}, in KiB (VmHWM). */
  long peakKb() {
    return procStatus("VmHWM:");
  }

  /** Starts a new peak measurement (Linux: writing 5 to clear_refs resets VmHWM). */
  void resetPeak() {
    try {
      Files.writeString(Path.of("/proc/" + pid() + "/clear_refs"), "5");
    } catch (IOException e) {
      // not permitted here: the peak stays the process's lifetime peak
    }
  }

  private long procStatus(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not Linux
    }
    return -1;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** One connection's two directions. */
  interface Link extends AutoCloseable {
    InputStream in();

    OutputStream out();

    /** Ends what this side sends (the server sees end of input); the answer can still be read. */
    void endOutput();

    /** Closes both directions. */
    @Override
    void close();
  }

  private record PipeLink(Process process) implements Link {
    @Override
    public InputStream in() {
      return process.getInputStream();
    }

    @Override
    public OutputStream out() {
      return process.getOutputStream();
    }

    @Override
    public void endOutput() {
      quietly(() -> process.getOutputStream().close());
    }

    @Override
    public void close() {
      // the pipes belong to the process: closed when it is restarted
    }
  }

  private static final class ChannelLink implements Link {
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    ChannelLink(SocketChannel channel) {
      this.channel = channel;
      this.in = Channels.newInputStream(channel);
      this.out = Channels.newOutputStream(channel);
    }

    @Override
    public InputStream in() {
      return in;
    }

    @Override
    public OutputStream out() {
      return out;
    }

    @Override
    public void endOutput() {
      quietly(channel::shutdownOutput);
    }

    @Override
    public void close() {
      quietly(channel::close);
    }
  }

  private static final class SocketLink implements Link {
    private final Socket socket;

    SocketLink(Socket socket) {
      this.socket = socket;
    }

    @Override
    public InputStream in() {
      try {
        return socket.getInputStream();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public OutputStream out() {
      try {
        return socket.getOutputStream();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void endOutput() {
      quietly(socket::shutdownOutput);
    }

    @Override
    public void close() {
      quietly(socket::close);
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static void quietly(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      // already gone
    }
  }
}
