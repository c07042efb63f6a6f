package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.transport.http.HttpWorker;
import dev.arrowrpc.transport.http.ProxyProofMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerOptionsTest {
  private static WorkerOptions parse(String... args) throws WorkerOptions.UsageException {
    return WorkerOptions.parse(List.of(args));
  }

  private static String refusal(String... args) {
    return assertThrows(WorkerOptions.UsageException.class, () -> parse(args)).getMessage();
  }

  @Test
  void stdioByDefault() throws Exception {
    assertEquals(new WorkerOptions(new WorkerOptions.Pipe(), Optional.empty(), false, Optional.empty(), false, false, false),
        parse());
    assertTrue(parse("--secondary-first").secondaryFirst());
    assertTrue(parse("--kind-probe").kindProbe());
    assertTrue(parse("--diagnostics").diagnostics());
    assertEquals(new WorkerOptions.Pipe(), parse("--pipe", "--describe", "--access-log-debug").transport());
  }

  @Test
  void accessLogDebug() throws Exception {
    assertFalse(parse("--access-log", "a.jsonl").accessLogDebug());
    WorkerOptions debug = parse("--access-log", "a.jsonl", "--access-log-debug");
    assertTrue(debug.accessLogDebug());
    assertEquals(Optional.of(Path.of("a.jsonl")), debug.accessLog());
    assertTrue(parse("--http", "--access-log-debug", "--access-log=b.jsonl").accessLogDebug());
    assertEquals("--access-log-debug takes no value", refusal("--access-log-debug=yes"));
  }

  @Test
  void unixSocket() throws Exception {
    WorkerOptions options = parse("--unix", "/tmp/w.sock", "--access-log", "log.jsonl");
    assertEquals(new WorkerOptions.Unix(Path.of("/tmp/w.sock")), options.transport());
    assertEquals(Optional.of(Path.of("log.jsonl")), options.accessLog());
    assertEquals(new WorkerOptions.Unix(Path.of("s")), parse("--unix=s").transport());
    assertEquals(Optional.of(Path.of("l")), parse("--unix=s", "--access-log", "l").accessLog());
  }

  @Test
  void tcpAddresses() throws Exception {
    assertEquals(new WorkerOptions.Tcp("127.0.0.1", 0), parse("--tcp", "0").transport());
    assertEquals(new WorkerOptions.Tcp("127.0.0.1", 0), parse("--tcp", "127.0.0.1:0").transport());
    assertEquals(new WorkerOptions.Tcp("127.0.0.1", 9000), parse("--tcp", ":9000").transport());
    assertEquals(new WorkerOptions.Tcp("localhost", 80), parse("--tcp=localhost:80").transport());
    assertEquals(new WorkerOptions.Tcp("::1", 5), parse("--tcp", "[::1]:5").transport());
    assertEquals(new WorkerOptions.Tcp("127.0.0.1", 0),
        parse("--tcp", "0", "--threaded", "--max-connections", "4").transport());
  }

  @Test
  void http() throws Exception {
    String key = "ab".repeat(32);
    WorkerOptions options = parse("--http", "--port", "0", "--token-key", key, "--access-log", "a.jsonl",
        "--token-ttl", "60", "--max-request-bytes", "1024", "--no-compression", "--cors-origin", "*", "--describe");
    HttpWorker.Options http = ((WorkerOptions.Http) options.transport()).options();
    assertTrue(http.http());
    assertEquals("127.0.0.1", http.host());
    assertEquals(0, http.port());
    assertEquals(Optional.of(key), http.tokenKey());
    assertEquals(Duration.ofSeconds(60), http.tokenTtl());
    assertEquals(Optional.of(1024L), http.maxRequestBytes());
    assertEquals(List.of("*"), http.corsOrigins());
    assertEquals(Optional.of(Path.of("a.jsonl")), options.accessLog());
    // the reference's form: the port on the flag itself
    assertEquals(8080, ((WorkerOptions.Http) parse("--http", "8080").transport()).options().port());
    assertEquals(0, ((WorkerOptions.Http) parse("--http=0").transport()).options().port());
    HttpWorker.Options auth = ((WorkerOptions.Http) parse("--http-auth", "--http", "--host=0.0.0.0",
        "--max-response-bytes", "1048576", "--sticky", "--no-call-state-cache", "--prefix", "/vgi").transport())
        .options();
    assertTrue(auth.rejectAll());
    assertTrue(auth.responseCompression());
    assertEquals(Optional.of(1048576L), auth.maxResponseBytes());
    assertEquals("0.0.0.0", auth.host());
    assertEquals("/vgi", auth.prefix());
  }

  @Test
  void sticky() throws Exception {
    StickyFlags off = ((WorkerOptions.Http) parse("--http").transport()).sticky();
    assertEquals(false, off.enabled(), "sticky sessions are off by default");
    assertEquals(false, off.principalHeaderAuth());
    String key = "5f".repeat(32);
    StickyFlags on = ((WorkerOptions.Http) parse("--http", "--port", "0", "--sticky", "--sticky-ttl", "1",
        "--sticky-auth", "--token-key", key).transport()).sticky();
    assertTrue(on.enabled());
    assertEquals(Duration.ofSeconds(1), on.ttl());
    assertTrue(on.principalHeaderAuth());
    assertEquals(Optional.of(key), on.tokenKey());
    assertEquals(Duration.ofSeconds(300), ((WorkerOptions.Http) parse("--http", "--sticky").transport()).sticky().ttl());
    assertTrue(refusal("--sticky").contains("--sticky requires --http"));
    assertTrue(refusal("--http", "--sticky-ttl", "0").contains("positive number of seconds"));
    assertTrue(refusal("--http", "--sticky-ttl").contains("--sticky-ttl needs a value"));
  }

  @Test
  void refusesWhatItCannotServe() {
    assertTrue(refusal("--port", "8080").contains("--port requires --http"));
    assertTrue(refusal("--token-key", "00").contains("requires --http"));
    assertTrue(refusal("--http", "--port").contains("--port needs a value"));
    assertTrue(refusal("--http", "--token-ttl", "soon").contains("non-negative integer"));
    assertTrue(refusal("--http", "--max-response-bytes", "lots").contains("non-negative integer"));
    assertTrue(refusal("--http", "--tcp", "0").contains("choose one"));
    assertTrue(refusal("--http", "--threaded").contains("--threaded requires"));
    assertTrue(refusal("--bogus").contains("unknown argument: --bogus"));
    assertTrue(refusal("--unix").contains("--unix needs a value"));
    assertTrue(refusal("--tcp", "x:y").contains("[HOST:]PORT"));
    assertTrue(refusal("--tcp", "70000").contains("out of range"));
    assertTrue(refusal("--unix", "a", "--tcp", "0").contains("choose one"));
    assertTrue(refusal("--threaded").contains("--threaded requires"));
    assertTrue(refusal("--tcp", "0", "--max-connections", "2").contains("requires --threaded"));
    assertTrue(refusal("--tcp", "0", "--threaded", "--max-connections", "0").contains("positive"));
    assertTrue(refusal("--describe=yes").contains("takes no value"));
  }

  @Test
  void proxyProofServeStartAndExternalCapFlags() throws Exception {
    String secrets = "conformance-proxy:" + "11".repeat(32);
    WorkerOptions options = parse("--http", "--port", "0", "--describe", "--proof-mode", "allow",
        "--proof-origin-id", "conformance-origin", "--proof-secrets", secrets, "--proof-skew", "30",
        "--proof-no-replay-cache", "--prefix", "/vgi", "--fail-serve-start-once",
        "--max-externalized-response-bytes", "1048576");
    HttpWorker.Options http = ((WorkerOptions.Http) options.transport()).options();
    assertEquals(ProxyProofMode.ALLOW, http.proxyProof().orElseThrow().mode());
    assertFalse(http.proxyProof().orElseThrow().replayCache());
    assertTrue(http.failServeStartOnce());
    assertEquals("/vgi", http.prefix());
    assertTrue(refusal("--http", "--proof-mode", "require", "--proof-origin-id", "o").contains("secret"),
        "require mode without secrets does not start");
    assertTrue(refusal("--proof-mode", "require").contains("requires --http"));
  }

  @Test
  void readsTheStorageFlagsOnEveryTransport() throws WorkerOptions.UsageException {
    List<String> pipe = List.of("--pipe", "--fake-storage", "http://127.0.0.1:9", "--externalize-threshold", "1",
        "--compression", "zstd", "--max-fetch-bytes=4096", "--max-decompressed-fetch-bytes", "8192",
        "--reject-localhost-redirects", "--max-externalized-response-bytes", "65536");
    assertEquals(new WorkerOptions.Pipe(), WorkerOptions.parse(pipe).transport());
    StorageOptions storage = StorageOptions.parse(pipe);
    assertEquals(Optional.of("http://127.0.0.1:9"), storage.fakeStorage());
    assertEquals(1, storage.thresholdBytes());
    assertTrue(storage.zstd());
    assertEquals(java.util.OptionalLong.of(4096), storage.maxFetchBytes());
    assertEquals(java.util.OptionalLong.of(8192), storage.maxDecompressedFetchBytes());
    assertTrue(storage.rejectLocalhostRedirects());
    assertEquals(java.util.OptionalLong.of(65536), storage.maxExternalizedResponseBytes());
    assertTrue(storage.locations(storage.storage()).externalizes());
    StorageOptions none = StorageOptions.parse(List.of("--http", "--max-externalized-response-bytes", "1048576"));
    assertFalse(none.locations(none.storage()).externalizes(), "no storage, no externalization");
    assertThrows(WorkerOptions.UsageException.class,
        () -> StorageOptions.parse(List.of("--compression", "brotli")));
    assertThrows(WorkerOptions.UsageException.class,
        () -> StorageOptions.parse(List.of("--externalize-threshold", "0")));
  }
}
