package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.runtime.RpcClient;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A call whose request reached the server is never sent again by the client on its own: a server
 * that takes the whole request and then drops the connection may have run it, so sending it again
 * could run a call that changes state twice. The caller gets a TransportError instead.
 */
class NoSilentRetryHttpTest {
  /** A one-method service, only for its proxy. */
  @RpcService(name = "Counter", version = "1.0.0")
  interface Counter {
    long increment(long by);
  }

  /**
   * A server that reads whole requests; it answers the first {@code answered} of them with a 404 on
   * a kept-alive connection, and after that takes each request and closes without an answer. A
   * capability probe ({@code OPTIONS}, which the client's response budget sends before its first
   * call) is answered with the budget's support and not counted.
   */
  private static Thread dropAfterReading(ServerSocket server, AtomicInteger requests, int answered) {
    Thread thread = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket socket = server.accept()) {
          InputStream in = new BufferedInputStream(socket.getInputStream());
          while (true) {
            String head = Raw.readHead(in);
            if (head == null) {
              break;
            }
            in.readNBytes(Raw.contentLength(head));
            if (head.startsWith("OPTIONS ")) {
              socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nVGI-Accept-Max-Response-Bytes-Support: true\r\n"
                  + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
              socket.getOutputStream().flush();
              continue;
            }
            if (requests.incrementAndGet() <= answered) {
              socket.getOutputStream().write(("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                  + "Content-Length: 2\r\n\r\nno").getBytes(StandardCharsets.US_ASCII));
              socket.getOutputStream().flush();
              continue;
            }
            break; // the whole request arrived: drop the connection without an answer
          }
        } catch (IOException e) {
          // closed
        }
      }
    }, "drop-after-reading");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  @Test
  void aRequestDroppedAfterItArrivedIsSentOnce() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      AtomicInteger requests = new AtomicInteger();
      dropAfterReading(server, requests, 0);
      try (RpcClient client = HttpRpc.connect("http://127.0.0.1:" + server.getLocalPort())) {
        RpcException failed = assertThrows(RpcException.class, () -> client.proxy(Counter.class).increment(1));
        assertEquals("TransportError", failed.errorType(), failed.getMessage());
      }
      assertEquals(1, requests.get(), "the server received the call this many times");
    }
  }

  @Test
  void aRequestDroppedOnAKeptAliveConnectionIsSentOnce() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      AtomicInteger requests = new AtomicInteger();
      dropAfterReading(server, requests, 1);
      try (RpcClient client = HttpRpc.connect("http://127.0.0.1:" + server.getLocalPort())) {
        Counter counter = client.proxy(Counter.class);
        assertThrows(RpcException.class, () -> counter.increment(1)); // the 404, connection kept
        RpcException failed = assertThrows(RpcException.class, () -> counter.increment(7));
        assertEquals("TransportError", failed.errorType(), failed.getMessage());
      }
      assertEquals(2, requests.get(), "one request per call");
    }
  }
}
