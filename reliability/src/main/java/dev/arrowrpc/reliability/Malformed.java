package dev.arrowrpc.reliability;

import dev.arrowrpc.core.wire.MetadataKeys;
import dev.arrowrpc.reliability.Requests.Request;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The byte-level categories: random bytes, truncation, bit flips (framing broken), and whole IPC
 * streams with faulty metadata, mismatched schemas and invalid UTF-8 (framing intact).
 */
final class Malformed {
  private Malformed() {}

  /** Every category of this class. */
  static List<CaseSource> sources() {
    return List.of(RANDOM_BYTES, TRUNCATION, BIT_FLIPS, METADATA, SCHEMA_MISMATCH, INVALID_UTF8);
  }

  /** A valid request of one of several shapes, for mutation. */
  static Request someRequest(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> Requests.echoInt(random.nextLong());
      case 1 -> Requests.echoString(text(random, random.nextInt(64)));
      case 2 -> Requests.echoBytes(bytes(random, random.nextInt(256)));
      case 3 -> Requests.echoFloat(random.nextDouble());
      case 4 -> Requests.echoBool(random.nextBoolean());
      default -> Requests.echoString("é€😀" + text(random, 8));
    };
  }

  static final CaseSource RANDOM_BYTES = source("random-bytes", true, (random) -> {
    byte[] bytes = bytes(random, 4 + random.nextInt(2048));
    if (random.nextBoolean()) {
      // a continuation marker and a random metadata length, so the bytes get past the first check
      bytes[0] = bytes[1] = bytes[2] = bytes[3] = (byte) 0xFF;
    }
    return new Case("random-bytes", "random " + bytes.length + " bytes", "echo_int", bytes, Case.Framing.BROKEN,
        Case.Expect.ERROR_OR_ACCEPTED);
  });

  static final CaseSource TRUNCATION = source("truncation", true, (random) -> {
    Request request = someRequest(random);
    int at = 1 + random.nextInt(request.bytes().length - 1);
    return new Case("truncation", request.method() + " cut at " + at + " of " + request.bytes().length,
        request.method(), Arrays.copyOf(request.bytes(), at), Case.Framing.BROKEN, Case.Expect.ERROR_OR_ACCEPTED);
  });

  static final CaseSource BIT_FLIPS = source("bit-flips", true, (random) -> {
    Request request = someRequest(random);
    byte[] bytes = request.bytes().clone();
    int flips = 1 + random.nextInt(8);
    StringBuilder where = new StringBuilder();
    for (int i = 0; i < flips; i++) {
      int bit = random.nextInt(bytes.length * 8);
      bytes[bit / 8] ^= (byte) (1 << (bit % 8));
      where.append(bit).append(' ');
    }
    return new Case("bit-flips", request.method() + " bits " + where.toString().strip(), request.method(), bytes,
        Case.Framing.BROKEN, Case.Expect.ERROR_OR_ACCEPTED);
  });

  static final CaseSource METADATA = source("metadata", false, (random) -> {
    Map<String, String> metadata = Requests.metadata(Requests.CONFORMANCE, "echo_int");
    String label;
    switch (random.nextInt(12)) {
      case 0 -> {
        metadata.remove(MetadataKeys.METHOD);
        label = "no method";
      }
      case 1 -> {
        metadata.put(MetadataKeys.METHOD, "no_such_method_" + random.nextInt(1000));
        label = "unknown method";
      }
      case 2 -> {
        metadata.remove(MetadataKeys.PROTOCOL);
        label = "no protocol";
      }
      case 3 -> {
        metadata.put(MetadataKeys.PROTOCOL, "No.Such.Protocol" + random.nextInt(1000));
        label = "unknown protocol";
      }
      case 4 -> {
        metadata.put(MetadataKeys.REQUEST_VERSION, Integer.toString(2 + random.nextInt(100)));
        label = "request version";
      }
      case 5 -> {
        metadata.remove(MetadataKeys.REQUEST_VERSION);
        label = "no request version";
      }
      case 6 -> {
        metadata.put(MetadataKeys.METHOD, "x".repeat(1 + random.nextInt(65_536)));
        label = "huge method name";
      }
      case 7 -> {
        metadata.put(MetadataKeys.METHOD, text(random, 1 + random.nextInt(40)) + "/../\u0000\n");
        label = "method with control characters";
      }
      case 8 -> {
        metadata.put(MetadataKeys.PROTOCOL, "vgi_rpc.Reflection.v1");
        label = "a reflection method that does not exist";
      }
      case 9 -> {
        metadata.put(MetadataKeys.PROTOCOL_VERSION, "999.0.0");
        label = "protocol version from the future";
      }
      case 10 -> {
        metadata.put(MetadataKeys.STREAM_STATE, text(random, 1 + random.nextInt(200)));
        label = "a stream state on a unary call";
      }
      default -> {
        metadata.put("vgi_rpc." + text(random, 6), "x".repeat(random.nextInt(10_000)));
        label = "unknown reserved key";
      }
    }
    long value = random.nextLong();
    byte[] bytes = Requests.write(new Schema(List.of(Requests.field("value", new ArrowType.Int(64, true)))), metadata, 1,
        root -> ((BigIntVector) root.getVector(0)).setSafe(0, value));
    return new Case("metadata", label, "echo_int", bytes, Case.Framing.INTACT, Case.Expect.ERROR_OR_ACCEPTED);
  });

  static final CaseSource SCHEMA_MISMATCH = source("schema-mismatch", false, (random) -> {
    Map<String, String> metadata = Requests.metadata(Requests.CONFORMANCE, "echo_int");
    List<Field> fields;
    int rows = 1;
    String label;
    switch (random.nextInt(7)) {
      case 0 -> {
        fields = List.of(Requests.field("value", ArrowType.Utf8.INSTANCE));
        label = "string for int";
      }
      case 1 -> {
        fields = List.of(Requests.field("wrong_name", new ArrowType.Int(64, true)));
        label = "misnamed parameter";
      }
      case 2 -> {
        fields = List.of();
        label = "no parameters";
      }
      case 3 -> {
        fields = List.of(Requests.field("value", new ArrowType.Int(64, true)),
            Requests.field("extra", new ArrowType.Int(64, true)));
        label = "an extra parameter";
      }
      case 4 -> {
        fields = List.of(Requests.field("value", new ArrowType.Int(64, true)));
        rows = 0;
        label = "zero rows";
      }
      case 5 -> {
        fields = List.of(Requests.field("value", new ArrowType.Int(64, true)));
        rows = 2 + random.nextInt(100);
        label = rows + " rows";
      }
      default -> {
        fields = List.of(Requests.field("value", new ArrowType.Int(32, true)));
        label = "int32 for int64";
      }
    }
    int count = rows;
    byte[] bytes = Requests.write(new Schema(fields), metadata, rows, root -> {
      root.getFieldVectors().forEach(v -> {
        v.setInitialCapacity(Math.max(count, 1));
        v.allocateNew();
      });
      for (int i = 0; i < count; i++) {
        for (var vector : root.getFieldVectors()) {
          if (vector instanceof BigIntVector ints) {
            ints.setSafe(i, i);
          } else if (vector instanceof VarCharVector chars) {
            chars.setSafe(i, "7".getBytes(StandardCharsets.UTF_8));
          } else if (vector instanceof org.apache.arrow.vector.IntVector ints) {
            ints.setSafe(i, i);
          }
        }
      }
    });
    return new Case("schema-mismatch", label, "echo_int", bytes, Case.Framing.INTACT, Case.Expect.ERROR_OR_ACCEPTED);
  });

  /** Byte sequences that are not UTF-8: each must be refused, never echoed with substitutes. */
  private static final byte[][] NOT_UTF8 = {
      {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xC3}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80,
      (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};

  static final CaseSource INVALID_UTF8 = source("invalid-utf8", false, (random) -> {
    byte[] bad = NOT_UTF8[random.nextInt(NOT_UTF8.length)];
    byte[] before = text(random, random.nextInt(20)).getBytes(StandardCharsets.UTF_8);
    byte[] after = text(random, random.nextInt(20)).getBytes(StandardCharsets.UTF_8);
    byte[] cell = new byte[before.length + bad.length + after.length];
    System.arraycopy(before, 0, cell, 0, before.length);
    System.arraycopy(bad, 0, cell, before.length, bad.length);
    System.arraycopy(after, 0, cell, before.length + bad.length, after.length);
    Request request = Requests.echoStringBytes(cell);
    return new Case("invalid-utf8", "echo_string with " + toHex(bad) + " at " + before.length, "echo_string",
        request.bytes(), Case.Framing.INTACT, Case.Expect.ERROR);
  });

  // ------------------------------------------------------------------ helpers

  static CaseSource source(String category, boolean breaksFraming, Function<Random, Case> one) {
    return new CaseSource() {
      @Override
      public String category() {
        return category;
      }

      @Override
      public boolean breaksFraming() {
        return breaksFraming;
      }

      @Override
      public List<Case> cases(Random random, int count) {
        List<Case> cases = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          cases.add(one.apply(random));
        }
        return cases;
      }
    };
  }

  static byte[] bytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  static String text(Random random, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  static String toHex(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (byte b : bytes) {
      hex.append(String.format("%02x", b & 0xFF));
    }
    return hex.toString();
  }

}
