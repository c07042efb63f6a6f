package dev.arrowrpc.conformance;

import com.github.luben.zstd.Zstd;
import dev.arrowrpc.core.external.ExternalStorage;
import dev.arrowrpc.core.external.PointerBatches;
import dev.arrowrpc.core.wire.Json;
import dev.arrowrpc.transport.http.UploadUrl;
import dev.arrowrpc.transport.http.UploadUrlProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A client of the reference's fake object store ({@code vgi_rpc.conformance.fake_storage}), over the
 * JDK's {@link HttpClient}: {@code POST /alloc} returns a method-bound pair ({@code upload_url} for
 * PUT, {@code download_url} for GET), and {@code PUT} stores the bytes, remembering a {@code
 * Content-Encoding} it then serves back. Both the worker's storage (it uploads externalized batches)
 * and its upload-URL provider (it vends pairs to clients).
 */
final class FakeStorage implements ExternalStorage, UploadUrlProvider {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** How long a vended pair is said to last (the fake store never expires anything). */
  private static final Duration PAIR_LIFETIME = Duration.ofHours(1);

  private final String baseUrl;
  private final boolean zstd;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
      .version(HttpClient.Version.HTTP_1_1).build();

  /**
   * Binds to a running store.
   *
   * @param baseUrl the store's base URL, such as {@code http://127.0.0.1:8123}
   * @param zstd whether uploaded objects are zstd-compressed (and stored with {@code
   *     Content-Encoding: zstd})
   */
  FakeStorage(String baseUrl, boolean zstd) {
    String base = Objects.requireNonNull(baseUrl, "baseUrl");
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    this.baseUrl = base;
    this.zstd = zstd;
  }

  /** Allocates a pair, PUTs the object (compressed when so configured), returns the GET URL. */
  @Override
  public String upload(byte[] ipcStream) throws IOException {
    Pair pair = allocate(zstd ? "{\"content_encoding\":\"zstd\"}" : "{}");
    byte[] body = zstd ? Zstd.compress(ipcStream, 3) : ipcStream;
    HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(pair.upload())).timeout(TIMEOUT)
        .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (zstd) {
      put.header("Content-Encoding", "zstd");
    }
    HttpResponse<byte[]> response = send(put.build());
    if (response.statusCode() / 100 != 2) {
      throw new IOException("fake storage PUT to " + PointerBatches.redact(pair.upload()) + " answered HTTP "
          + response.statusCode());
    }
    return pair.download();
  }

  @Override
  public UploadUrl generate() throws IOException {
    Pair pair = allocate("{}");
    return new UploadUrl(pair.upload(), pair.download(), Instant.now().plus(PAIR_LIFETIME));
  }

  private record Pair(String upload, String download) {}

  private Pair allocate(String json) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/alloc")).timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
    HttpResponse<byte[]> response = send(request);
    if (response.statusCode() != 200) {
      throw new IOException("fake storage /alloc answered HTTP " + response.statusCode());
    }
    Object parsed = Json.parse(new String(response.body(), StandardCharsets.UTF_8));
    if (!(parsed instanceof Map<?, ?> allocation)) {
      throw new IOException("fake storage /alloc answered something that is not a JSON object");
    }
    Object legacy = allocation.get("object_url");
    Object upload = allocation.containsKey("upload_url") ? allocation.get("upload_url") : legacy;
    Object download = allocation.containsKey("download_url") ? allocation.get("download_url") : legacy;
    if (!(upload instanceof String up) || !(download instanceof String down)) {
      throw new IOException("fake storage /alloc answered no upload/download URLs");
    }
    return new Pair(up, down);
  }

  /**
   * Sends a request, retrying a failed exchange twice: the store answers HTTP/1.0 and closes each
   * connection, so a pooled connection can be found dead on its next use. Every request here is
   * safe to repeat (an allocation is just discarded, a PUT overwrites the same object).
   */
  private HttpResponse<byte[]> send(HttpRequest request) throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while talking to the fake storage");
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }
}
