package dev.arrowrpc.conformance;

import dev.arrowrpc.core.external.ExternalLocations;
import dev.arrowrpc.transport.http.HttpFetcher;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The worker's external-storage flags, as the reference's conformance worker spells them (every
 * transport):
 *
 * <pre>
 * --fake-storage URL                   externalize to the fake object store at URL (over HTTP also
 *                                      serve __upload_url__/init, and cap requests at the threshold
 *                                      unless --max-request-bytes says otherwise)
 * --externalize-threshold N            batches of at least N buffer bytes are externalized (4096)
 * --compression none|zstd              compress externalized objects (default none)
 * --max-fetch-bytes N                  cap on encoded bytes when resolving inbound pointers
 * --max-decompressed-fetch-bytes N     cap on decoded bytes (default 16 times the encoded cap)
 * --reject-localhost-redirects         fetch only from 127.0.0.1 (a hop to localhost is refused)
 * --max-externalized-response-bytes N  cap on what one response uploads (advertised with storage)
 * </pre>
 *
 * @param fakeStorage the store's base URL, if any
 * @param thresholdBytes the externalization threshold
 * @param zstd whether objects are zstd-compressed
 * @param maxFetchBytes the encoded fetch cap, if given
 * @param maxDecompressedFetchBytes the decoded fetch cap, if given
 * @param rejectLocalhostRedirects whether only 127.0.0.1 URLs are fetched
 * @param maxExternalizedResponseBytes the per-response upload cap, if given
 */
record StorageOptions(Optional<String> fakeStorage, long thresholdBytes, boolean zstd, OptionalLong maxFetchBytes,
    OptionalLong maxDecompressedFetchBytes, boolean rejectLocalhostRedirects,
    OptionalLong maxExternalizedResponseBytes) {

  /** The most a client may upload through a vended pair, as advertised: 64 MiB. */
  static final long MAX_UPLOAD_BYTES = 64L << 20;

  /** The flags that take a value. */
  static final Set<String> VALUE_FLAGS = Set.of("--fake-storage", "--externalize-threshold", "--compression",
      "--max-fetch-bytes", "--max-decompressed-fetch-bytes", "--max-externalized-response-bytes");

  /** The flags that take none. */
  static final Set<String> SWITCHES = Set.of("--reject-localhost-redirects");

  /**
   * Reads these flags from a command line WorkerOptions has accepted (values inline with {@code =}
   * or as the next argument); other flags are skipped.
   *
   * @param args the command line
   * @return the options
   * @throws WorkerOptions.UsageException when a value is bad
   */
  static StorageOptions parse(List<String> args) throws WorkerOptions.UsageException {
    Optional<String> storage = Optional.empty();
    long threshold = ExternalLocations.DEFAULT_THRESHOLD_BYTES;
    boolean zstd = false;
    OptionalLong maxFetch = OptionalLong.empty();
    OptionalLong maxDecoded = OptionalLong.empty();
    boolean rejectLocalhost = false;
    OptionalLong maxExternalized = OptionalLong.empty();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      int eq = arg.indexOf('=');
      String flag = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      if (SWITCHES.contains(flag)) {
        rejectLocalhost = true;
        continue;
      }
      if (!VALUE_FLAGS.contains(flag)) {
        continue;
      }
      String value;
      if (eq > 0 && !flag.equals(arg)) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new WorkerOptions.UsageException(flag + " needs a value");
      }
      switch (flag) {
        case "--fake-storage" -> storage = Optional.of(value);
        case "--externalize-threshold" -> threshold = positive(value, flag);
        case "--compression" -> zstd = switch (value) {
          case "zstd" -> true;
          case "none" -> false;
          default -> throw new WorkerOptions.UsageException("--compression takes none or zstd, got " + value);
        };
        case "--max-fetch-bytes" -> maxFetch = OptionalLong.of(positive(value, flag));
        case "--max-decompressed-fetch-bytes" -> maxDecoded = OptionalLong.of(positive(value, flag));
        case "--max-externalized-response-bytes" -> maxExternalized = OptionalLong.of(positive(value, flag));
        default -> throw new IllegalStateException(flag);
      }
    }
    return new StorageOptions(storage, threshold, zstd, maxFetch, maxDecoded, rejectLocalhost, maxExternalized);
  }

  private static long positive(String text, String flag) throws WorkerOptions.UsageException {
    try {
      long value = Long.parseLong(text);
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new WorkerOptions.UsageException(flag + " needs a positive integer, got " + text);
  }

  /** The fake store's client, when storage is on. */
  Optional<FakeStorage> storage() {
    return fakeStorage.map(url -> new FakeStorage(url, zstd));
  }

  /**
   * The server's external locations: uploads to the store, and a fetcher with these caps for inbound
   * pointers. The fetcher is on whenever storage is, so pointers the store's URLs name resolve.
   *
   * @param store the store's client, if any
   * @return the configuration
   */
  ExternalLocations locations(Optional<FakeStorage> store) {
    if (store.isEmpty()) {
      return ExternalLocations.none();
    }
    HttpFetcher.Builder fetcher = HttpFetcher.builder();
    maxFetchBytes.ifPresent(fetcher::maxFetchBytes);
    maxDecompressedFetchBytes.ifPresent(fetcher::maxDecodedBytes);
    if (rejectLocalhostRedirects) {
      fetcher.policy(HttpFetcher.UrlPolicy.hostOnly("127.0.0.1"));
    }
    ExternalLocations locations = ExternalLocations.of(store.get(), fetcher.build()).withThreshold(thresholdBytes);
    return maxExternalizedResponseBytes.isPresent()
        ? locations.withMaxExternalizedResponseBytes(maxExternalizedResponseBytes.getAsLong()) : locations;
  }
}
