package dev.arrowrpc.bench;

import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.transport.flight.FlightRpcServer;
import dev.arrowrpc.transport.http.HttpRpcServer;
import dev.arrowrpc.transport.pipe.TcpServer;
import dev.arrowrpc.transport.pipe.UnixSocketServer;
import dev.arrowrpc.transport.pipe.Workers;
import java.io.DataInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmark's worker process, following the reference worker's command line.
 *
 * <ul>
 *   <li>{@code serve bench|peer --launched ARGS}: a worker started by a {@code WorkerLauncher},
 *       which appends its arguments ({@code --unix PATH --idle-timeout SECONDS}); it serves until it
 *       idles out;
 *   <li>{@code serve bench|peer [--pipe | --unix PATH | --tcp HOST:PORT | --http [[HOST:]PORT] |
 *       --flight [[HOST:]PORT]]}: serves {@link BenchService} or the {@link ConformancePeer} subset
 *       through arrow-rpc (over HTTP with {@code HttpRpcServer}, at the root prefix; over Arrow Flight
 *       with {@code FlightRpcServer});
 *   <li>{@code raw [--pipe | --unix PATH | --tcp HOST:PORT]}: the raw-channel baseline server. Per
 *       command byte: {@code 'p'} is answered with {@code 'p'} (ping-pong); {@code 'b'} is followed
 *       by an 8-byte length and that many bytes, which are read and dropped, then answered with
 *       {@code 'b'} (bulk copy);
 *   <li>{@code raw --http [[HOST:]PORT]}: the raw HTTP baseline server ({@link RawHttp});
 *   <li>{@code raw --flight [[HOST:]PORT]}: the raw Flight baseline server ({@link RawFlight}).
 * </ul>
 *
 * <p>Socket modes print {@code UNIX:<path>}, {@code TCP:<host>:<port>} or, over HTTP, {@code
 * PORT:<port>} (as the reference worker's {@code --http [PORT]} does; Flight likewise) once listening, and run until
 * stdin closes. HTTP binds 127.0.0.1 unless a host is given; the port defaults to 0 (any free one).
 */
public final class BenchWorker {
  private static final int CHUNK = 64 * 1024;

  private BenchWorker() {}

  /**
   * Runs the worker.
   *
   * @param args the command line
   * @throws Exception when serving fails
   */
  public static void main(String[] args) throws Exception {
    List<String> argv = Arrays.asList(args);
    startProfile();
    if (argv.isEmpty()) {
      throw new IllegalArgumentException(
          "usage: BenchWorker serve bench|peer|raw [--pipe|--unix PATH|--tcp HOST:PORT|--http [[HOST:]PORT]]");
    }
    switch (argv.get(0)) {
      case "serve" -> serve(argv.get(1), argv.subList(2, argv.size()));
      case "raw" -> raw(argv.subList(1, argv.size()));
      default -> throw new IllegalArgumentException("unknown mode " + argv.get(0));
    }
  }

  /**
   * Records a JFR profile of this worker into the directory named by system property {@code
   * bench.jfrDir}, when set, with the settings file {@code bench.jfrSettings} (default: the JDK's
   * "profile" settings). Started here rather than with {@code -XX:StartFlightRecording}, whose
   * start-up banner goes to stdout, the protocol's channel.
   */
  private static void startProfile() throws IOException {
    String dir = System.getProperty("bench.jfrDir", "");
    if (dir.isBlank()) {
      return;
    }
    try {
      String settings = System.getProperty("bench.jfrSettings", "");
      jdk.jfr.Recording recording = new jdk.jfr.Recording(settings.isBlank()
          ? jdk.jfr.Configuration.getConfiguration("profile")
          : jdk.jfr.Configuration.create(Path.of(settings)));
      recording.setDestination(Path.of(dir, "worker-" + ProcessHandle.current().pid() + ".jfr"));
      recording.setToDisk(true);
      recording.start();
      Runtime.getRuntime().addShutdownHook(new Thread(recording::stop));
    } catch (java.text.ParseException e) {
      throw new IOException("cannot load the JFR profile settings", e);
    }
  }

  private static RpcServer server(String service) {
    return switch (service) {
      case "bench" -> RpcServer.create(BenchService.class, new BenchServiceImpl());
      case "peer" -> RpcServer.create(ConformancePeer.class, new ConformancePeerImpl());
      default -> throw new IllegalArgumentException("unknown service " + service);
    };
  }

  private static void serve(String service, List<String> mode) throws IOException {
    String kind = mode.isEmpty() ? "--pipe" : mode.get(0);
    if (kind.equals("--launched")) {
      // a worker a WorkerLauncher starts: the launcher's arguments (--unix PATH --idle-timeout S) follow
      try (RpcServer server = server(service)) {
        Workers.serve(mode.subList(1, mode.size()).toArray(String[]::new), server);
      }
      return;
    }
    if (kind.equals("--pipe")) {
      try (RpcServer server = server(service)) {
        Workers.serveStdio(server);
      }
      return;
    }
    PrintStream announce = System.out;
    try (RpcServer server = server(service)) {
      if (kind.equals("--unix")) {
        Path path = Path.of(mode.get(1));
        UnixSocketServer uds = UnixSocketServer.start(server, path);
        try {
          announce.println("UNIX:" + path);
          announce.flush();
          awaitStdinEnd();
        } finally {
          uds.close();
        }
      } else if (kind.equals("--tcp")) {
        try (TcpServer tcp = TcpServer.start(server, address(mode.get(1)))) {
          announce.println("TCP:" + tcp.address().getHostString() + ":" + tcp.port());
          announce.flush();
          awaitStdinEnd();
        }
      } else if (kind.equals("--http")) {
        InetSocketAddress at = httpAddress(mode);
        // the stream-token key comes from ARROWRPC_SIGNING_KEY (Launcher sets one per run)
        try (HttpRpcServer http = HttpRpcServer.builder(server).host(at.getHostString()).port(at.getPort())
            .drainTimeout(Duration.ofSeconds(1)).start()) {
          announce.println("PORT:" + http.port());
          announce.flush();
          awaitStdinEnd();
        }
      } else if (kind.equals("--flight")) {
        InetSocketAddress at = httpAddress(mode);
        try (FlightRpcServer flight = FlightRpcServer.builder(server).host(at.getHostString())
            .port(at.getPort()).drainTimeout(Duration.ofSeconds(1)).start()) {
          announce.println("PORT:" + flight.port());
          announce.flush();
          awaitStdinEnd();
        }
      } else {
        throw new IllegalArgumentException("unknown transport " + kind);
      }
    }
  }

  /**
   * The address of {@code --http [[HOST:]PORT]}: 127.0.0.1 unless a host is given, port 0 unless
   * one is.
   */
  static InetSocketAddress httpAddress(List<String> mode) {
    if (mode.size() < 2) {
      return new InetSocketAddress("127.0.0.1", 0);
    }
    String value = mode.get(1);
    return value.contains(":") ? address(value) : new InetSocketAddress("127.0.0.1", Integer.parseInt(value));
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private static void awaitStdinEnd() throws IOException {
    InputStream in = System.in;
    byte[] sink = new byte[256];
    while (in.read(sink) >= 0) {
      // wait for the parent to close our stdin
    }
  }

  // ------------------------------------------------------------------ raw baselines

  private static void raw(List<String> mode) throws IOException {
    String kind = mode.isEmpty() ? "--pipe" : mode.get(0);
    if (kind.equals("--pipe")) {
      rawStreams(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
      return;
    }
    if (kind.equals("--flight")) {
      InetSocketAddress at = httpAddress(mode);
      try (RawFlight.Server flight = RawFlight.start(at.getHostString(), at.getPort())) {
        System.out.println("PORT:" + flight.port());
        System.out.flush();
        awaitStdinEnd();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    if (kind.equals("--http")) {
      InetSocketAddress at = httpAddress(mode);
      try (RawHttp.Server http = RawHttp.start(at.getHostString(), at.getPort())) {
        System.out.println("PORT:" + http.port());
        System.out.flush();
        awaitStdinEnd();
      }
      return;
    }
    ServerSocketChannel listener;
    String announcement;
    if (kind.equals("--unix")) {
      Path path = Path.of(mode.get(1));
      listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      listener.bind(UnixDomainSocketAddress.of(path));
      announcement = "UNIX:" + path;
    } else {
      listener = ServerSocketChannel.open();
      listener.bind(address(mode.get(1)));
      SocketAddress bound = listener.getLocalAddress();
      InetSocketAddress inet = (InetSocketAddress) bound;
      announcement = "TCP:" + inet.getHostString() + ":" + inet.getPort();
    }
    Thread acceptor = new Thread(() -> {
      while (true) {
        try {
          SocketChannel channel = listener.accept();
          if (!kind.equals("--unix")) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
          }
          Thread handler = new Thread(() -> rawChannel(channel), "raw-connection");
          handler.setDaemon(true);
          handler.start();
        } catch (IOException e) {
          return;
        }
      }
    }, "raw-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    System.out.println(announcement);
    System.out.flush();
    awaitStdinEnd();
    listener.close();
    if (kind.equals("--unix")) {
      java.nio.file.Files.deleteIfExists(Path.of(mode.get(1)));
    }
  }

  /** The raw protocol over plain file-descriptor streams, 64 KiB at a time. */
  private static void rawStreams(InputStream in, OutputStream out) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] chunk = new byte[CHUNK];
    int command;
    while ((command = in.read()) >= 0) {
      if (command == 'b') {
        long left = data.readLong();
        while (left > 0) {
          int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
          if (n < 0) {
            return;
          }
          left -= n;
        }
      }
      out.write(command);
    }
  }

  /** The raw protocol over a socket channel with direct buffers. */
  private static void rawChannel(SocketChannel channel) {
    ByteBuffer one = ByteBuffer.allocateDirect(1);
    ByteBuffer length = ByteBuffer.allocateDirect(8);
    ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
    try (channel) {
      while (true) {
        one.clear();
        if (!readFully(channel, one)) {
          return;
        }
        byte command = one.get(0);
        if (command == 'b') {
          length.clear();
          if (!readFully(channel, length)) {
            return;
          }
          long left = length.getLong(0);
          while (left > 0) {
            chunk.clear();
            chunk.limit((int) Math.min(CHUNK, left));
            int n = channel.read(chunk);
            if (n < 0) {
              return;
            }
            left -= n;
          }
        }
        one.clear();
        one.put(0, command);
        while (one.hasRemaining()) {
          channel.write(one);
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  static boolean readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        return false;
      }
    }
    return true;
  }
}
