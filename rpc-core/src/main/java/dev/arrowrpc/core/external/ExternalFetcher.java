package dev.arrowrpc.core.external;

import java.io.IOException;

/**
 * Fetches the object a pointer batch names. An implementation owns the fetch policy: which URLs and
 * redirect targets it accepts (checked before each hop is requested), how many redirects it
 * follows, and two independent caps, one on the encoded bytes received (enforced while reading,
 * whatever {@code Content-Length} claims) and one on the bytes after undoing the named {@code
 * Content-Encoding}.
 *
 * <p>Messages of the exceptions it throws must not contain a URL's user info, query or fragment
 * (signed query parameters are credentials); {@link PointerBatches#redact(String)} renders a URL for
 * diagnostics.
 */
public interface ExternalFetcher {
  /**
   * Fetches and decodes one object.
   *
   * @param url the URL from the pointer batch
   * @return the object's bytes after content decoding
   * @throws IOException when the object cannot be fetched, a URL is refused, or a cap is exceeded
   */
  byte[] fetch(String url) throws IOException;
}
