package dev.arrowrpc.core.external;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory object store for tests: storage and fetcher in one, counting uploads and fetches. */
final class MemoryStorage implements ExternalStorage, ExternalFetcher {
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger();
  final AtomicInteger fetches = new AtomicInteger();

  @Override
  public String upload(byte[] ipcStream) {
    String url = "https://store.example/objects/" + next.incrementAndGet() + "?X-Amz-Signature=secret";
    objects.put(url, ipcStream.clone());
    return url;
  }

  /** Stores an object under a URL of the caller's. */
  void put(String url, byte[] bytes) {
    objects.put(url, bytes.clone());
  }

  int uploads() {
    return next.get();
  }

  @Override
  public byte[] fetch(String url) throws IOException {
    fetches.incrementAndGet();
    byte[] bytes = objects.get(url);
    if (bytes == null) {
      throw new IOException("no object at " + PointerBatches.redact(url));
    }
    return bytes.clone();
  }
}
