package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.LogBatches;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.arrow.memory.RootAllocator;

/** Plain HTTP requests for tests that look at the wire: statuses, headers, bodies. */
final class Raw {
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private Raw() {}

  /** The request body the typed client sends for a call (captured, never sent). */
  static byte[] requestBody(Consumer<StreamService> call) {
    return requestBodyOf(StreamService.class, call);
  }

  /** The request body the typed client sends for a call of any service (captured, never sent). */
  static <T> byte[] requestBodyOf(Class<T> service, Consumer<T> call) {
    AtomicReference<byte[]> captured = new AtomicReference<>();
    RequestTransport capturing = new RequestTransport() {
      @Override
      public InputStream call(String protocol, String method, Kind kind, byte[] body) throws IOException {
        captured.set(body);
        throw new IOException("captured");
      }

      @Override
      public void close() {}
    };
    try (RpcClient client = RpcClient.connect(capturing)) {
      call.accept(client.proxy(service));
    } catch (RpcException expected) {
      // the capturing transport never answers
    }
    return captured.get();
  }

  static HttpResponse<byte[]> send(String method, String url, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    try {
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<byte[]> post(String url, byte[] body, Map<String, String> headers) {
    return send("POST", url, body, headers);
  }

  static HttpResponse<byte[]> postArrow(String url, byte[] body) {
    return post(url, body, Map.of("Content-Type", Responses.ARROW));
  }

  static HttpResponse<byte[]> get(String url, Map<String, String> headers) {
    return send("GET", url, null, headers);
  }

  static Optional<String> header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name);
  }

  static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The error an Arrow response body reports, if any; its result batches are skipped. */
  static Optional<RpcException> arrowError(byte[] body) {
    try (RootAllocator memory = new RootAllocator();
        IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(body), memory).orElseThrow()) {
      while (reader.next()) {
        if (LogBatches.classify(reader.root().getRowCount(), reader.metadata()) instanceof LogBatches.Error e) {
          reader.drain();
          return Optional.of(e.error());
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Reads one HTTP head, through its blank line, from a raw connection.
   *
   * @param in the connection
   * @return the head, or null when the input ended first
   * @throws IOException when reading fails
   */
  static String readHead(java.io.InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        return head.toString();
      }
    }
    return null;
  }

  /**
   * A head's Content-Length.
   *
   * @param head the head
   * @return the length, 0 when it has none
   */
  static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        return Integer.parseInt(line.substring(15).trim());
      }
    }
    return 0;
  }
}
