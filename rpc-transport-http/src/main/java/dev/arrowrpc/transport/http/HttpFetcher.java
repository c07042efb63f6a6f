package dev.arrowrpc.transport.http;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.arrowrpc.core.external.ExternalFetcher;
import dev.arrowrpc.core.external.PointerBatches;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.GZIPInputStream;

/**
 * Fetches externalized objects over HTTP(S) with the JDK's {@link HttpClient}, under the fetch-safety
 * rules of WIRE_PROTOCOL.md section 12: the URL policy is applied to the initial URL and to every
 * redirect target before that hop is requested, redirects are followed by hand up to a bound, the
 * encoded bytes are capped while they stream in (whatever {@code Content-Length} claims), and the
 * bytes after undoing {@code Content-Encoding} (zstd, gzip) are capped separately. Diagnostics show
 * URLs redacted to scheme, host, port and path.
 *
 * <p>Network failures are retried (three attempts in all, half a second apart); refusals, caps and
 * HTTP error statuses are not.
 */
public final class HttpFetcher implements ExternalFetcher {
  /** The reference's default cap on encoded bytes: 256 MiB. */
  public static final long DEFAULT_MAX_FETCH_BYTES = 256L << 20;
  /** The reference's default redirect bound. */
  public static final int DEFAULT_MAX_REDIRECTS = 5;

  private static final int ATTEMPTS = 3;
  private static final Duration RETRY_DELAY = Duration.ofMillis(500);
  private static final int CHUNK = 64 * 1024;

  /** Refuses a URL by throwing; applied before every hop. */
  @FunctionalInterface
  public interface UrlPolicy {
    /**
     * Checks a URL about to be requested.
     *
     * @param url the URL
     * @throws IllegalArgumentException with the reason, when the URL must not be requested
     */
    void check(URI url);

    /**
     * Accepts every http and https URL.
     *
     * @return the policy
     */
    static UrlPolicy any() {
      return url -> { };
    }

    /**
     * Accepts only URLs on one exact host (for example {@code 127.0.0.1}).
     *
     * @param host the only host fetched from, compared exactly
     * @return the policy
     */
    static UrlPolicy hostOnly(String host) {
      return url -> {
        if (!host.equalsIgnoreCase(url.getHost())) {
          throw new IllegalArgumentException("host '" + url.getHost() + "' is not allowed (only " + host + ")");
        }
      };
    }
  }

  private final HttpClient client;
  private final UrlPolicy policy;
  private final long maxFetchBytes;
  private final long maxDecodedBytes;
  private final int maxRedirects;
  private final Duration timeout;

  private HttpFetcher(Builder builder) {
    this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(builder.timeout).version(HttpClient.Version.HTTP_1_1).build();
    this.policy = builder.policy;
    this.maxFetchBytes = builder.maxFetchBytes;
    this.maxDecodedBytes = builder.maxDecodedBytes.orElse(saturatedTimes16(builder.maxFetchBytes));
    this.maxRedirects = builder.maxRedirects;
    this.timeout = builder.timeout;
  }

  private static long saturatedTimes16(long value) {
    return value > Long.MAX_VALUE / 16 ? Long.MAX_VALUE : value * 16;
  }

  /**
   * Starts configuring a fetcher (defaults: any URL, 256 MiB encoded, 16 times that decoded, 5 redirects).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the cap on encoded bytes} */
  public long maxFetchBytes() {
    return maxFetchBytes;
  }

  /** {@return the cap on decoded bytes} */
  public long maxDecodedBytes() {
    return maxDecodedBytes;
  }

  @Override
  public byte[] fetch(String url) throws IOException {
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        return fetchOnce(url);
      } catch (Refused refused) {
        throw refused;
      } catch (IOException e) {
        last = e;
        if (attempt < ATTEMPTS) {
          sleep();
        }
      }
    }
    throw last;
  }

  private static void sleep() throws IOException {
    try {
      Thread.sleep(RETRY_DELAY.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while retrying an external fetch");
    }
  }

  private byte[] fetchOnce(String url) throws IOException {
    URI current = parse(url, url);
    for (int hop = 0; ; hop++) {
      check(current);
      HttpResponse<InputStream> response = send(current);
      int status = response.statusCode();
      if (status >= 300 && status < 400 && status != 304) {
        response.body().close();
        if (hop >= maxRedirects) {
          throw new Refused("ExternalLocation redirect limit exceeded (max_redirects=" + maxRedirects + ") at "
              + PointerBatches.redact(current.toString()));
        }
        Optional<String> location = response.headers().firstValue("Location");
        if (location.isEmpty()) {
          throw new Refused("ExternalLocation redirect had no Location header at "
              + PointerBatches.redact(current.toString()));
        }
        current = current.resolve(parse(location.get(), current.toString()));
        continue;
      }
      if (status != 200) {
        response.body().close();
        throw new Refused("ExternalLocation fetch of " + PointerBatches.redact(current.toString())
            + " failed with HTTP " + status);
      }
      byte[] encoded = readCapped(response);
      String coding = response.headers().firstValue("Content-Encoding").orElse("").strip().toLowerCase(Locale.ROOT);
      return decode(coding, encoded, current);
    }
  }

  private HttpResponse<InputStream> send(URI url) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET()
        .header("Accept-Encoding", "zstd, gzip, identity").build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused("interrupted while fetching " + PointerBatches.redact(url.toString()));
    } catch (IOException e) {
      // the JDK's message may quote the URL: report the redacted form only
      throw new IOException("ExternalLocation fetch of " + PointerBatches.redact(url.toString()) + " failed: "
          + e.getClass().getSimpleName());
    }
  }

  private void check(URI url) throws Refused {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    try {
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("scheme '" + scheme + "' is not allowed");
      }
      policy.check(url);
    } catch (IllegalArgumentException e) {
      throw new Refused("ExternalLocation URL rejected: " + e.getMessage() + " ("
          + PointerBatches.redact(url.toString()) + ")");
    }
  }

  private static URI parse(String text, String context) throws Refused {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new Refused("ExternalLocation URL is invalid at " + PointerBatches.redact(context));
    }
  }

  /** Reads the body, stopping as soon as it passes the encoded cap (never trusting Content-Length). */
  private byte[] readCapped(HttpResponse<InputStream> response) throws IOException {
    OptionalLong declared = response.headers().firstValueAsLong("Content-Length");
    try (InputStream in = response.body()) {
      if (declared.isPresent() && declared.getAsLong() > maxFetchBytes) {
        throw new Refused(encodedCapMessage());
      }
      return readUpTo(in, maxFetchBytes, this::encodedCapMessage,
          declared.isPresent() ? (int) Math.min(declared.getAsLong(), CHUNK) : CHUNK);
    }
  }

  private String encodedCapMessage() {
    return "ExternalLocation fetch exceeded max_fetch_bytes (" + maxFetchBytes + " bytes)";
  }

  private String decodedCapMessage() {
    return "ExternalLocation decoded body exceeded max_decompressed_bytes (" + maxDecodedBytes + " bytes)";
  }

  private byte[] decode(String coding, byte[] encoded, URI url) throws IOException {
    if (coding.isEmpty() || coding.equals("identity")) {
      if (encoded.length > maxDecodedBytes) {
        throw new Refused(decodedCapMessage());
      }
      return encoded;
    }
    InputStream decoder;
    if (coding.equals("zstd")) {
      decoder = new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(encoded));
    } else if (coding.equals("gzip") || coding.equals("x-gzip")) {
      decoder = new GZIPInputStream(new ByteArrayInputStream(encoded));
    } else {
      throw new Refused("ExternalLocation object at " + PointerBatches.redact(url.toString())
          + " has unsupported Content-Encoding '" + coding + "'");
    }
    try (InputStream in = decoder) {
      return readUpTo(in, maxDecodedBytes, this::decodedCapMessage, CHUNK);
    } catch (Refused refused) {
      throw refused;
    } catch (IOException e) {
      throw new Refused("ExternalLocation object at " + PointerBatches.redact(url.toString())
          + " cannot be decoded from " + coding + ": " + e.getMessage());
    }
  }

  /** Reads a stream to its end, refusing once more than {@code cap} bytes have arrived. */
  private static byte[] readUpTo(InputStream in, long cap, java.util.function.Supplier<String> message,
      int initial) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(initial, 256));
    byte[] chunk = new byte[CHUNK];
    long total = 0;
    int n;
    while ((n = in.read(chunk)) > 0) {
      total += n;
      if (total > cap) {
        throw new Refused(message.get());
      }
      out.write(chunk, 0, n);
    }
    return out.toByteArray();
  }

  /** A failure that retrying cannot fix: a refused URL, an exceeded cap, an HTTP error status. */
  private static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  /** Configures an {@link HttpFetcher}. */
  public static final class Builder {
    private UrlPolicy policy = UrlPolicy.any();
    private long maxFetchBytes = DEFAULT_MAX_FETCH_BYTES;
    private OptionalLong maxDecodedBytes = OptionalLong.empty();
    private int maxRedirects = DEFAULT_MAX_REDIRECTS;
    private Duration timeout = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * The URL policy applied before every hop (default: any http or https URL).
     *
     * @param policy checks each URL before it is fetched
     * @return this builder
     */
    public Builder policy(UrlPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The cap on encoded bytes received (default 256 MiB).
     *
     * @param bytes the cap, in bytes
     * @return this builder
     */
    public Builder maxFetchBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxFetchBytes must be positive");
      }
      this.maxFetchBytes = bytes;
      return this;
    }

    /**
     * The cap on decoded bytes (default 16 times the encoded cap).
     *
     * @param bytes the cap, in bytes
     * @return this builder
     */
    public Builder maxDecodedBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxDecodedBytes must be positive");
      }
      this.maxDecodedBytes = OptionalLong.of(bytes);
      return this;
    }

    /**
     * How many redirects one fetch follows (default 5; 0 refuses every redirect).
     *
     * @param redirects the most redirects followed
     * @return this builder
     */
    public Builder maxRedirects(int redirects) {
      if (redirects < 0) {
        throw new IllegalArgumentException("maxRedirects must not be negative");
      }
      this.maxRedirects = redirects;
      return this;
    }

    /**
     * The connect and per-request timeout (default 60 s).
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Builds the fetcher.
     *
     * @return the fetcher
     */
    public HttpFetcher build() {
      return new HttpFetcher(this);
    }
  }
}
