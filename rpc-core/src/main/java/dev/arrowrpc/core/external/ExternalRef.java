package dev.arrowrpc.core.external;

import dev.arrowrpc.core.schema.MethodKind;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.RowLayout;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.core.wire.Batch;
import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A unary result published to external storage ahead of time (WIRE_PROTOCOL.md section 12,
 * "Pre-published references"). A method answers with it through {@link #answer}: the server then
 * writes one zero-row pointer batch on the result schema naming {@link #url()} (and the digest, when
 * there is one), whatever its threshold or storage, and uploads nothing during the call.
 *
 * @param url where the object is fetched from
 * @param sha256 lowercase hex SHA-256 of the object before content coding, if recorded
 */
public record ExternalRef(String url, Optional<String> sha256) {
  /**
   * Checks the values.
   *
   * @param url where the object is fetched from
   * @param sha256 lowercase hex SHA-256 of the object before content coding, if recorded
   */
  public ExternalRef {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(sha256, "sha256");
    if (url.isEmpty()) {
      throw new IllegalArgumentException("ExternalRef url must be non-empty");
    }
    if (sha256.isPresent() && !sha256.get().matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("ExternalRef sha256 must be 64 lowercase hex characters");
    }
  }

  /**
   * Publishes a unary method's result ahead of time: encodes {@code value} as the method's one-row
   * result (as the server would answer it), serializes it as the IPC stream the externalizer would
   * have uploaded, computes its digest, and uploads it. A method then answers with the reference
   * through {@link #answer}.
   *
   * @param storage where it goes
   * @param service the service interface that declares the method
   * @param method the method's wire name
   * @param value the value the method would return
   * @param includeSha256 whether the reference carries the digest
   * @return the reference
   * @throws IOException when the upload fails
   * @throws IllegalArgumentException when the service declares no such unary method with a result
   */
  public static ExternalRef publish(ExternalStorage storage, Class<?> service, String method, Object value,
      boolean includeSha256) throws IOException {
    MethodSpec spec = ServiceSpec.of(service).methods().get(method);
    if (spec == null || spec.kind() != MethodKind.UNARY) {
      throw new IllegalArgumentException(service.getName() + " declares no unary method " + method);
    }
    RowLayout result = spec.result();
    if (result.schema().getFields().isEmpty()) {
      throw new IllegalArgumentException(method + " returns nothing to publish");
    }
    try (BufferAllocator memory = new RootAllocator();
        Batch batch = result.encode(1, (row, column) -> value, memory)) {
      return publish(storage, result.schema(), batch, includeSha256);
    }
  }

  /**
   * Publishes a one-row result: serializes it as the IPC stream the externalizer would have
   * uploaded, computes its digest, and uploads it.
   *
   * @param storage where it goes
   * @param resultSchema the method's result schema
   * @param batch the result, one row
   * @param includeSha256 whether the reference carries the digest
   * @return the reference
   * @throws IOException when the upload fails
   */
  static ExternalRef publish(ExternalStorage storage, Schema resultSchema, Batch batch, boolean includeSha256)
      throws IOException {
    if (batch.root().getRowCount() != 1) {
      throw new IllegalArgumentException("publish expects a 1-row result batch, got "
          + batch.root().getRowCount() + " rows");
    }
    byte[] object = PointerBatches.encode(resultSchema, batch, java.util.Map.of());
    String digest = PointerBatches.sha256(object).toLowerCase(Locale.ROOT);
    String url = storage.upload(object);
    return new ExternalRef(url, includeSha256 ? Optional.of(digest) : Optional.empty());
  }

  /**
   * Makes the unary call the current thread serves answer with this reference instead of its return
   * value, which is then ignored; returns null so a method can {@code return ExternalRef.answer(ref);}.
   *
   * @param ref the reference
   * @param <T> the method's declared result type
   * @return null
   * @throws IllegalStateException outside a server call
   */
  public static <T> T answer(ExternalRef ref) {
    ExternalAnswer.set(Objects.requireNonNull(ref, "ref"));
    return null;
  }
}
