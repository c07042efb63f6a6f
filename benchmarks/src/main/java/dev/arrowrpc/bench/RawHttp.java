package dev.arrowrpc.bench;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * The raw HTTP baseline: the least an HTTP round trip costs with the libraries the HTTP transport
 * is built on. The server is a bare Undertow handler answering on its I/O thread, with the server
 * options {@code HttpRpcServer} uses; the client is OkHttp configured as {@code HttpRpc}'s default
 * client (TCP_NODELAY, one pooled keep-alive connection, the same timeouts).
 *
 * <ul>
 *   <li>{@code POST /ping} with a 1-byte body is answered with the 1-byte body {@code p};
 *   <li>{@code POST /bulk} with any body is drained (counted, dropped) and answered with the 1-byte
 *       body {@code b}, or with 400 when fewer bytes arrived than its {@code Content-Length} says;
 *   <li>any other path is 404, any other method 405.
 * </ul>
 */
public final class RawHttp {
  /** The ping route. */
  public static final String PING_PATH = "/ping";
  /** The bulk-copy route. */
  public static final String BULK_PATH = "/bulk";
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");
  private static final int CHUNK = 64 * 1024;

  private RawHttp() {}

  /**
   * Starts the raw server.
   *
   * @param host the address to bind
   * @param port the port, 0 for any free one
   * @return the running server
   */
  public static Server start(String host, int port) {
    Undertow undertow = Undertow.builder().addHttpListener(port, host).setHandler(new Handler())
        .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
        .build();
    undertow.start();
    return new Server(undertow);
  }

  /** A running raw server. Closing it stops the listener. */
  public static final class Server implements AutoCloseable {
    private final Undertow undertow;
    private final int port;

    private Server(Undertow undertow) {
      this.undertow = undertow;
      this.port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    /**
     * The port the server listens on.
     *
     * @return the bound port
     */
    public int port() {
      return port;
    }

    /** Stops the server. */
    @Override
    public void close() {
      undertow.stop();
    }
  }

  /** The handler: never leaves the I/O thread, reads bodies with Undertow's asynchronous receiver. */
  private static final class Handler implements HttpHandler {
    @Override
    public void handleRequest(HttpServerExchange exchange) {
      String path = exchange.getRequestPath();
      if (!path.equals(PING_PATH) && !path.equals(BULK_PATH)) {
        exchange.setStatusCode(StatusCodes.NOT_FOUND);
        exchange.endExchange();
        return;
      }
      if (!exchange.getRequestMethod().equals(Methods.POST)) {
        exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
        exchange.endExchange();
        return;
      }
      if (path.equals(PING_PATH)) {
        exchange.getRequestReceiver().receiveFullBytes((ex, body) -> answer(ex, (byte) 'p'));
        return;
      }
      long[] received = {0};
      exchange.getRequestReceiver().receivePartialBytes((ex, bytes, last) -> {
        received[0] += bytes.length;
        if (!last) {
          return;
        }
        long expected = ex.getRequestContentLength();
        if (expected >= 0 && received[0] != expected) {
          ex.setStatusCode(StatusCodes.BAD_REQUEST);
          ex.getResponseSender().send("received " + received[0] + " of " + expected + " bytes");
          return;
        }
        answer(ex, (byte) 'b');
      });
    }

    private static void answer(HttpServerExchange exchange, byte value) {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
      exchange.getResponseSender().send(ByteBuffer.wrap(new byte[] {value}));
    }
  }

  /**
   * An OkHttp client set up as {@code HttpRpc}'s default one: Nagle's algorithm off, a pool of 5
   * idle connections kept 5 minutes, connect timeout 10 s, read and write timeouts 5 minutes.
   *
   * @return a new client
   */
  public static OkHttpClient okHttp() {
    return new OkHttpClient.Builder()
        .socketFactory(new NoDelaySockets())
        .connectionPool(new ConnectionPool(5, 5, TimeUnit.MINUTES))
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofMinutes(5))
        .writeTimeout(Duration.ofMinutes(5))
        .build();
  }

  /** The raw client: OkHttp calls to a raw server. */
  public static final class Client implements Baselines.RawClient {
    private final OkHttpClient client;
    private final Request ping;
    private final String bulkUrl;
    private final AutoCloseable server;
    private final byte[] chunk = new byte[CHUNK];

    /**
     * Creates a client of a raw server.
     *
     * @param baseUrl the server's base URL, such as {@code http://127.0.0.1:8080}
     * @param server closed after the client (the worker, or an in-process server)
     */
    public Client(String baseUrl, AutoCloseable server) {
      this.client = okHttp();
      this.ping = new Request.Builder().url(baseUrl + PING_PATH)
          .post(RequestBody.create(new byte[] {'p'}, OCTETS)).build();
      this.bulkUrl = baseUrl + BULK_PATH;
      this.server = server;
    }

    /**
     * Posts a 1-byte body to {@code /ping} and reads the 1-byte answer.
     *
     * @throws IOException when the call fails or the answer is wrong
     */
    @Override
    public void ping() throws IOException {
      expect(ping, 'p');
    }

    /**
     * Posts {@code bytes} bytes to {@code /bulk}, written in 64 KiB pieces, and reads the answer.
     *
     * @param bytes how many
     * @throws IOException when the call fails or the answer is wrong
     */
    @Override
    public void bulk(long bytes) throws IOException {
      RequestBody body = new RequestBody() {
        @Override
        public MediaType contentType() {
          return OCTETS;
        }

        @Override
        public long contentLength() {
          return bytes;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
          long left = bytes;
          while (left > 0) {
            int n = (int) Math.min(CHUNK, left);
            sink.write(chunk, 0, n);
            left -= n;
          }
        }
      };
      expect(new Request.Builder().url(bulkUrl).post(body).build(), 'b');
    }

    private void expect(Request request, char expected) throws IOException {
      try (Response response = client.newCall(request).execute()) {
        byte[] answer = response.body().bytes();
        if (response.code() != 200 || answer.length != 1 || answer[0] != expected) {
          throw new IOException("raw HTTP worker answered " + response.code() + " with "
              + answer.length + " bytes, expected 200 and '" + expected + "'");
        }
      }
    }

    /** Closes the connection pool, then the server. */
    @Override
    public void close() {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
      Launcher.closeAll(List.of(server));
    }
  }

  /**
   * Makes sockets with TCP_NODELAY on, as {@code HttpRpc}'s client does: otherwise a request body
   * written after its headers waits for the delayed ACK of the headers.
   */
  private static final class NoDelaySockets extends SocketFactory {
    private final SocketFactory plain = SocketFactory.getDefault();

    private static Socket noDelay(Socket socket) throws IOException {
      socket.setTcpNoDelay(true);
      return socket;
    }

    @Override
    public Socket createSocket() throws IOException {
      return noDelay(plain.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return noDelay(plain.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return noDelay(plain.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return noDelay(plain.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return noDelay(plain.createSocket(host, port, localHost, localPort));
    }
  }
}
