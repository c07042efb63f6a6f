package dev.arrowrpc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RawHttpTest {
  private RawHttp.Server server;
  private String url;

  @BeforeEach
  void start() {
    server = RawHttp.start("127.0.0.1", 0);
    url = "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void pingIsAnsweredAndBulkBodiesOfAnySizeAreDrained() throws IOException {
    AtomicBoolean closed = new AtomicBoolean();
    try (RawHttp.Client client = new RawHttp.Client(url, () -> closed.set(true))) {
      for (int i = 0; i < 100; i++) {
        client.ping();
      }
      for (long bytes : new long[] {0, 1, 64 * 1024, 3 * 64 * 1024 + 17, 8L << 20}) {
        client.bulk(bytes);
      }
      client.ping();  // the connection is still in step after the bulk bodies
    }
    assertTrue(closed.get(), "closing the client closes what serves it");
  }

  @Test
  void theServerAnswersPingWithOneByteAndRefusesOtherRequests() throws IOException {
    OkHttpClient http = RawHttp.okHttp();
    MediaType octets = MediaType.get("application/octet-stream");
    try (Response ping = http.newCall(new Request.Builder().url(url + RawHttp.PING_PATH)
        .post(RequestBody.create(new byte[] {'p'}, octets)).build()).execute()) {
      assertEquals(200, ping.code());
      assertEquals("p", ping.body().string());
    }
    try (Response bulk = http.newCall(new Request.Builder().url(url + RawHttp.BULK_PATH)
        .post(RequestBody.create(new byte[100_000], octets)).build()).execute()) {
      assertEquals(200, bulk.code());
      assertEquals("b", bulk.body().string());
    }
    try (Response get = http.newCall(new Request.Builder().url(url + RawHttp.PING_PATH).build()).execute()) {
      assertEquals(405, get.code());
    }
    try (Response other = http.newCall(new Request.Builder().url(url + "/other")
        .post(RequestBody.create(new byte[1], octets)).build()).execute()) {
      assertEquals(404, other.code());
    }
    http.connectionPool().evictAll();
  }

  @Test
  void aWrongAnswerFailsTheOperation() {
    try (RawHttp.Client client = new RawHttp.Client(url + "/elsewhere", () -> {})) {
      IOException error = assertThrows(IOException.class, client::ping);
      assertTrue(error.getMessage().contains("404"), error.getMessage());
      assertThrows(IOException.class, () -> client.bulk(10));
    }
  }

  @Test
  void theClientTurnsNagleOff() throws IOException {
    try (Socket socket = RawHttp.okHttp().socketFactory().createSocket()) {
      assertTrue(socket.getTcpNoDelay());
    }
  }
}
