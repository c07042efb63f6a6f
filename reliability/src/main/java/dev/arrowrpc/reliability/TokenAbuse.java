package dev.arrowrpc.reliability;

import dev.arrowrpc.core.auth.HmacStreamTokens;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.auth.SealedStreamTokens;
import dev.arrowrpc.core.auth.StreamTokens;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The {@code tokens} category: stream-state tokens over HTTP, tampered, cut, mis-encoded, dated
 * wrong, signed with another key, or signed with the worker's own key (the harness starts it with
 * {@link Worker#TOKEN_KEY_HEX}) but carrying another stream's state; replays must give the same
 * data, never another stream's. Tokens are the worker's own ({@link SealedStreamTokens}: encrypted
 * and compressed), opened and sealed again here with the worker's key; tokens in the signed format
 * servers minted before ({@link #signLegacy}) must still open.
 */
final class TokenAbuse {
  private static final byte[] LABEL = "arrowrpc.stream-token.v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ANONYMOUS = RawHttp.concat(new byte[] {0}, "anonymous".getBytes(StandardCharsets.US_ASCII));
  private static final int MAC_BYTES = 32;
  private static final int TAG_BYTES = 16;
  private static final int HEADER_BYTES = 9;
  private static final Schema EMPTY = new Schema(List.of());
  private static final Schema SCALE = new Schema(List.of(
      new Field("value", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null)));

  private TokenAbuse() {}

  /**
   * What a stream response carried.
   *
   * @param values the first column of every data row, as text
   * @param cursor the cursor token, if one came
   * @param call the call token, if one came
   * @param error the error, if the stream ended in one
   */
  record Turn(List<String> values, Optional<String> cursor, Optional<String> call, Optional<String> error) {
    static Turn read(byte[] body) {
      List<String> values = new ArrayList<>();
      String cursor = null;
      String call = null;
      String error = null;
      InputStream in = new ByteArrayInputStream(body);
      try {
        while (true) {
          Optional<IpcStreamReader> opened = IpcStreamReader.open(in, HttpAbuse.MEMORY);
          if (opened.isEmpty()) {
            break;
          }
          try (IpcStreamReader reader = opened.get()) {
            while (reader.next()) {
              Map<String, String> metadata = reader.metadata();
              if ("EXCEPTION".equals(metadata.get(MetadataKeys.LOG_LEVEL))) {
                error = metadata.getOrDefault(MetadataKeys.ERROR_KIND, "?") + ": " + metadata.get(MetadataKeys.LOG_MESSAGE);
              }
              if (metadata.containsKey(MetadataKeys.STREAM_STATE)) {
                cursor = metadata.get(MetadataKeys.STREAM_STATE);
              }
              if (metadata.containsKey(MetadataKeys.CALL_STATE)) {
                call = metadata.get(MetadataKeys.CALL_STATE);
              }
              VectorSchemaRoot root = reader.root();
              if (metadata.get(MetadataKeys.LOG_LEVEL) == null && !root.getFieldVectors().isEmpty()) {
                FieldVector first = root.getVector(0);
                for (int row = 0; row < root.getRowCount(); row++) {
                  values.add(String.valueOf(first.getObject(row)));
                }
              }
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        error = "unreadable: " + e;
      }
      return new Turn(values, Optional.ofNullable(cursor), Optional.ofNullable(call), Optional.ofNullable(error));
    }
  }

  /**
   * A token's payload, opened with the worker's key (its age not checked).
   *
   * @param token a token the worker minted
   * @return its payload
   */
  static byte[] payload(String token) {
    try {
      return SealedStreamTokens.of(HmacStreamTokens.builder().key(KEY).ttl(Duration.ZERO).build())
          .open(token, Identity.ANONYMOUS);
    } catch (StreamTokens.InvalidTokenException e) {
      throw new IllegalStateException("the worker's token does not open with its key: " + e.getMessage(), e);
    }
  }

  /** Seals a token the way the worker does (encrypted, compressed), with any key, date and payload. */
  static String seal(byte[] key, long createdAt, byte[] payload) {
    Clock at = Clock.fixed(Instant.ofEpochSecond(Math.max(Instant.MIN.getEpochSecond(),
        Math.min(Instant.MAX.getEpochSecond(), createdAt))), ZoneOffset.UTC);
    return SealedStreamTokens.of(HmacStreamTokens.builder().key(key).clock(at).build())
        .seal(payload, Identity.ANONYMOUS);
  }

  /**
   * Signs a token in the format servers minted before tokens were sealed (still opened, so that
   * streams survive the upgrade): base64 of {@code version | created_at (int64, big-endian seconds) |
   * payload | HMAC-SHA256}, the MAC over a label, the caller's binding (anonymous here) and the bytes
   * before it. Any version and date may be written.
   */
  static String signLegacy(byte[] key, int version, long createdAt, byte[] payload) {
    ByteBuffer token = ByteBuffer.allocate(HEADER_BYTES + payload.length + MAC_BYTES);
    token.put((byte) version).putLong(createdAt).put(payload);
    byte[] bytes = token.array();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(LABEL);
      mac.update(ANONYMOUS);
      mac.update(bytes, 0, bytes.length - MAC_BYTES);
      System.arraycopy(mac.doFinal(), 0, bytes, bytes.length - MAC_BYTES, MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** The token's payload sealed again with the worker's key, dated {@code createdAt}. */
  static String reseal(String token, long createdAt) {
    return seal(KEY, createdAt, payload(token));
  }

  private static final byte[] KEY = HexFormat.of().parseHex(Worker.TOKEN_KEY_HEX);

  // ------------------------------------------------------------------ the cases

  static void run(HttpAbuse.Cases cases) {
    String base = HttpAbuse.CONFORMANCE_PATH;
    byte[] produceInit = Requests.build("produce_n", List.of(Requests.field("count", new ArrowType.Int(64, true))),
        root -> ((org.apache.arrow.vector.BigIntVector) root.getVector(0)).setSafe(0, 5)).bytes();
    Optional<Turn> producer = init(cases, "init produce_n(5)", base + "produce_n/init", produceInit, "0");
    Optional<Turn> scale2 = init(cases, "init exchange_scale(2)", base + "exchange_scale/init", scaleInit(2), null);
    Optional<Turn> scale3 = init(cases, "init exchange_scale(3)", base + "exchange_scale/init", scaleInit(3), null);
    if (producer.isEmpty() || scale2.isEmpty() || scale3.isEmpty()) {
      return;
    }
    String cursor = producer.get().cursor().orElseThrow();
    String call = producer.get().call().orElse("");
    String produce = base + "produce_n/exchange";
    long now = Instant.now().getEpochSecond();
    byte[] state = payload(cursor);

    HttpAbuse.Expect refused = HttpAbuse.Expect.refused(400);
    HttpAbuse.Expect either = HttpAbuse.Expect.refused(400).orAnswer();

    tick(cases, "valid continuation", HttpAbuse.Expect.answered(), produce, cursor, call, "1");
    tick(cases, "replayed continuation", either, produce, cursor, call, "1");
    tick(cases, "replayed continuation, again", either, produce, cursor, call, "1");
    tick(cases, "re-signed with the known key (same payload, now)", HttpAbuse.Expect.answered(), produce,
        reseal(cursor, now), call, "1");

    byte[] raw = Base64.getDecoder().decode(cursor);
    // the version, the salt, the ciphertext and the tag
    int[] positions = {0, 1, 24, 25, 25 + (raw.length - 25 - TAG_BYTES) / 2, raw.length - TAG_BYTES - 1,
        raw.length - TAG_BYTES, raw.length - 1};
    for (int at : positions) {
      byte[] flipped = raw.clone();
      flipped[at] ^= 0x01;
      tick(cases, "cursor with byte " + at + " of " + raw.length + " flipped", refused, produce,
          Base64.getEncoder().encodeToString(flipped), call, null);
    }
    byte[] rawCall = call.isEmpty() ? new byte[0] : Base64.getDecoder().decode(call);
    if (rawCall.length > 0) {
      byte[] flipped = rawCall.clone();
      flipped[rawCall.length / 2] ^= 0x01;
      tick(cases, "call token with a middle byte flipped", refused.orAnswer(), produce, cursor,
          Base64.getEncoder().encodeToString(flipped), "1");
    }
    tick(cases, "cursor cut by 10 bytes", refused, produce,
        Base64.getEncoder().encodeToString(Arrays.copyOf(raw, raw.length - 10)), call, null);
    tick(cases, "cursor cut to 20 bytes", refused, produce,
        Base64.getEncoder().encodeToString(Arrays.copyOf(raw, 20)), call, null);
    tick(cases, "cursor of one byte", refused, produce, "AA==", call, null);
    tick(cases, "empty cursor", refused, produce, "", call, null);
    tick(cases, "cursor that is not base64", refused, produce, "!!not*base64!!", call, null);
    tick(cases, "cursor in url-safe base64", refused.orAnswer(), produce,
        Base64.getUrlEncoder().encodeToString(raw), call, "1");
    tick(cases, "cursor without its padding", refused.orAnswer(), produce,
        Base64.getEncoder().withoutPadding().encodeToString(raw), call, "1");
    tick(cases, "cursor with a space inside", refused, produce,
        cursor.substring(0, 8) + " " + cursor.substring(8), call, null);
    tick(cases, "cursor with a NUL appended", refused, produce, cursor + "\u0000", call, null);
    tick(cases, "cursor of 1 MiB of base64", HttpAbuse.Expect.refused(400, 413), produce,
        Base64.getEncoder().encodeToString(new byte[768 * 1024]), call, null);

    tick(cases, "expired (issued 2 hours ago, known key)", refused, produce, reseal(cursor, now - 7_200), call, null);
    tick(cases, "issued at 0 (known key)", refused, produce, reseal(cursor, 0), call, null);
    tick(cases, "issued at int64 min (known key)", refused, produce, reseal(cursor, Long.MIN_VALUE), call, null);
    tick(cases, "issued at int64 max (known key)", refused, produce, reseal(cursor, Long.MAX_VALUE), call, null);
    tick(cases, "legacy format issued at int64 min (known key)", refused, produce,
        signLegacy(KEY, 1, Long.MIN_VALUE, state), call, null);
    tick(cases, "legacy format issued at int64 max (known key)", refused, produce,
        signLegacy(KEY, 1, Long.MAX_VALUE, state), call, null);
    tick(cases, "issued an hour in the future (known key)", refused, produce, reseal(cursor, now + 3_600), call, null);
    tick(cases, "issued 10 s in the future (known key, within the skew)", either, produce, reseal(cursor, now + 10),
        call, "1");
    byte[] otherKey = HexFormat.of().parseHex("0123456789abcdef".repeat(4));
    tick(cases, "sealed with another key", refused, produce, seal(otherKey, now, state), call, null);
    tick(cases, "signed in the legacy format (known key)", HttpAbuse.Expect.answered(), produce,
        signLegacy(KEY, 1, now, state), call, "1");
    tick(cases, "signed in the legacy format with another key", refused, produce,
        signLegacy(otherKey, 1, now, state), call, null);
    tick(cases, "legacy format, version 2 (known key)", refused, produce, signLegacy(KEY, 2, now, state), call, null);
    tick(cases, "legacy format, version 3 (known key)", refused, produce, signLegacy(KEY, 3, now, state), call, null);
    tick(cases, "empty payload (known key)", refused, produce, seal(KEY, now, new byte[0]), call, null);
    byte[] junk = HttpAbuse.randomBytes(cases, 64);
    tick(cases, "random payload (known key)", refused, produce, seal(KEY, now, junk), call, null);
    tick(cases, "payload cut in half (known key)", refused, produce,
        seal(KEY, now, Arrays.copyOf(state, state.length / 2)), call, null);
    tick(cases, "payload with 1 MiB appended (known key)", HttpAbuse.Expect.refused(400, 413).orAnswer(), produce,
        seal(KEY, now, RawHttp.concat(state, new byte[1 << 20])), call, null);
    if (rawCall.length > 0) {
      tick(cases, "call token's payload as the cursor (known key)", refused, produce,
          seal(KEY, now, payload(call)), call, null);
      tick(cases, "cursor and call token swapped", refused, produce, call, cursor, null);
      tick(cases, "no call token", either, produce, cursor, "", "1");
    }
    tick(cases, "no cursor, only the call token", refused, produce, "", call, null);
    tick(cases, "continuation posted to the unary route", HttpAbuse.Expect.refused(400, 404), base + "produce_n",
        cursor, call, null);
    tick(cases, "continuation posted to produce_empty", refused, base + "produce_empty/exchange", cursor, call, null);
    tick(cases, "continuation posted to another protocol", HttpAbuse.Expect.refused(400, 404),
        "/conformance.Secondary.v1/produce_n/exchange", cursor, call, null);

    // exchange streams: the state is the factor; replays and crossed tokens must never mix them up
    String scaleRoute = base + "exchange_scale/exchange";
    String c2 = scale2.get().cursor().orElseThrow();
    String k2 = scale2.get().call().orElse("");
    String c3 = scale3.get().cursor().orElseThrow();
    String k3 = scale3.get().call().orElse("");
    scale(cases, "exchange_scale(2) turn", HttpAbuse.Expect.answered(), scaleRoute, c2, k2, "3.0");
    scale(cases, "exchange_scale(3) turn", HttpAbuse.Expect.answered(), scaleRoute, c3, k3, "4.5");
    scale(cases, "exchange_scale(2) turn replayed", either, scaleRoute, c2, k2, "3.0");
    scale(cases, "factor-2 cursor with the factor-3 call token", either, scaleRoute, c2, k3, "3.0");
    scale(cases, "factor-3 cursor with the factor-2 call token", either, scaleRoute, c3, k2, "4.5");
    scale(cases, "exchange tokens posted to exchange_accumulate", refused, base + "exchange_accumulate/exchange",
        c2, k2, null);
    scale(cases, "producer tokens posted to exchange_scale", refused, scaleRoute, cursor, call, null);
    tick(cases, "exchange tokens posted to produce_n", refused, produce, c2, k2, null);
    scale(cases, "exchange cursor re-signed an hour old (known key, within TTL)", either, scaleRoute,
        reseal(c2, now - 3_000), k2, "3.0");
    tick(cases, "cancel with a flipped cursor", refused, scaleRoute, flipLast(c2), k2, null, true);
  }

  private static String flipLast(String token) {
    byte[] raw = Base64.getDecoder().decode(token);
    raw[raw.length - 1] ^= 0x01;
    return Base64.getEncoder().encodeToString(raw);
  }

  private static byte[] scaleInit(double factor) {
    return Requests.build("exchange_scale", List.of(Requests.field("factor",
            new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))),
        root -> ((Float8Vector) root.getVector(0)).setSafe(0, factor)).bytes();
  }

  /** Opens a stream; records the init as a case; empty when it did not give tokens. */
  private static Optional<Turn> init(HttpAbuse.Cases cases, String label, String path, byte[] body, String first) {
    Turn[] turn = new Turn[1];
    cases.run(label, HttpAbuse.Expect.answered(), () -> cases.post(path, Map.of(), body), (reply, verdict) -> {
      turn[0] = Turn.read(reply.body());
      if (turn[0].cursor().isEmpty()) {
        verdict.fail(Verdict.Problem.UNUSABLE, "no stream token in the init response " + turn[0]);
      } else if (first != null && !turn[0].values().equals(List.of(first))) {
        verdict.fail(Verdict.Problem.SILENT, "the first batch was " + turn[0].values() + ", not [" + first + "]");
      }
    });
    return turn[0] != null && turn[0].cursor().isPresent() ? Optional.of(turn[0]) : Optional.empty();
  }

  private static Map<String, String> tokens(String cursor, String call, boolean cancel) {
    Map<String, String> metadata = new LinkedHashMap<>();
    if (!cursor.isEmpty()) {
      metadata.put(MetadataKeys.STREAM_STATE, cursor);
    }
    if (!call.isEmpty()) {
      metadata.put(MetadataKeys.CALL_STATE, call);
    }
    if (cancel) {
      metadata.put(MetadataKeys.CANCEL, "1");
    }
    return metadata;
  }

  private static void tick(HttpAbuse.Cases cases, String label, HttpAbuse.Expect expect, String path, String cursor,
      String call, String expected) {
    tick(cases, label, expect, path, cursor, call, expected, false);
  }

  /** A producer turn (an empty tick) with these tokens; if answered, its first value must be {@code expected}. */
  private static void tick(HttpAbuse.Cases cases, String label, HttpAbuse.Expect expect, String path, String cursor,
      String call, String expected, boolean cancel) {
    byte[] body = Requests.write(EMPTY, tokens(cursor, call, cancel), 0, root -> { });
    turn(cases, label, expect, path, body, expected);
  }

  /** An exchange turn sending {@code value = 1.5}; if answered, the value must be {@code expected}. */
  private static void scale(HttpAbuse.Cases cases, String label, HttpAbuse.Expect expect, String path, String cursor,
      String call, String expected) {
    Consumer<VectorSchemaRoot> fill = root -> ((Float8Vector) root.getVector(0)).setSafe(0, 1.5);
    byte[] body = Requests.write(SCALE, tokens(cursor, call, false), 1, fill);
    turn(cases, label, expect, path, body, expected);
  }

  private static void turn(HttpAbuse.Cases cases, String label, HttpAbuse.Expect expect, String path, byte[] body,
      String expected) {
    cases.run("tokens: " + label, expect, () -> cases.post(path, Map.of(), body), (reply, verdict) -> {
      if (reply.status() != 200) {
        return;
      }
      Turn turn = Turn.read(reply.body());
      if (turn.error().isPresent()) {
        return;
      }
      if (expected == null) {
        verdict.fail(Verdict.Problem.SILENT, "a forged or misplaced token was honoured: " + turn.values());
      } else if (turn.values().isEmpty() || !turn.values().get(0).equals(expected)) {
        verdict.fail(Verdict.Problem.SILENT, "the turn answered " + turn.values() + ", expected [" + expected + "]");
      }
    });
  }
}
