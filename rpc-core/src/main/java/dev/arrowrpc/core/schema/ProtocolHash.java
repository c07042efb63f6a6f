package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.generated.GeneratedService.SchemaRole;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The protocol hash of WIRE_PROTOCOL.md §14: {@code lowercase_hex(sha256("vgi_rpc.protocol_hash.v1|"
 * + canonical_json(description)))}, where the description is the protocol's wire name and, for
 * each method sorted by name, its name, {@code type} ({@code unary}/{@code stream}), {@code
 * has_return}, {@code has_header} and its params, result and header schemas as ordered lists of
 * {@code {name, nullable, type}} with canonical type tokens. {@code result} and {@code header} are
 * omitted when the method has none. Because it is taken over the decoded structure, every port
 * computes the same hash for the same protocol.
 */
public final class ProtocolHash {
  /** The domain separator prefixed to the canonical JSON before hashing. */
  public static final String DOMAIN = "vgi_rpc.protocol_hash.v1|";

  private static final Comparator<String> BY_CODE_POINT =
      (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
          int x = a.codePointAt(i);
          int y = b.codePointAt(j);
          if (x != y) {
            return Integer.compare(x, y);
          }
          i += Character.charCount(x);
          j += Character.charCount(y);
        }
        return Boolean.compare(i < a.length(), j < b.length());
      };

  private ProtocolHash() {}

  /**
   * Computes a service's hash under its protocol name.
   *
   * @param spec the service
   * @return 64 lowercase hex digits
   * @throws IllegalArgumentException when a schema holds a type with no canonical token
   */
  public static String of(ServiceSpec spec) {
    return of(spec.protocolName(), spec.methods().values());
  }

  /**
   * Computes the hash of a protocol hosting the given methods.
   *
   * @param protocolName the protocol's wire name
   * @param methods its methods, in any order
   * @return 64 lowercase hex digits
   * @throws IllegalArgumentException when a schema holds a type with no canonical token
   */
  public static String of(String protocolName, Collection<MethodSpec> methods) {
    return digest(preimage(protocolName, methods));
  }

  /**
   * Returns the canonical JSON the hash of a service is taken over, for diffing against another
   * port's preimage.
   *
   * @param spec the service
   * @return the preimage (without the domain separator)
   */
  public static String preimage(ServiceSpec spec) {
    return preimage(spec.protocolName(), spec.methods().values());
  }

  /**
   * Returns the canonical JSON the hash of a protocol is taken over.
   *
   * @param protocolName the protocol's wire name
   * @param methods its methods, in any order
   * @return the preimage (without the domain separator)
   * @throws IllegalArgumentException when a schema holds a type with no canonical token
   */
  public static String preimage(String protocolName, Collection<MethodSpec> methods) {
    List<Described> described = new ArrayList<>();
    for (MethodSpec method : methods) {
      described.add(new Described(method.name(), method.kind(), method.params().schema(),
          method.hasReturn() ? Optional.of(method.result().schema()) : Optional.empty(),
          method.header().map(RecordSchema::schema)));
    }
    return preimage(protocolName, described);
  }

  /**
   * Computes the hash of a protocol from its methods' schemas by role, as {@link
   * MethodSpec#schemas()} gives them and rpc-codegen's processor states them in a service's
   * descriptor: a method with a {@link SchemaRole#RESULT} schema is unary, and returns a value when
   * that schema has a column; one without is a stream. For the schemas of a service's methods it
   * equals {@link #of(ServiceSpec)}.
   *
   * @param protocolName the protocol's wire name
   * @param methods each method's schemas, by method name, in any order
   * @return 64 lowercase hex digits
   * @throws IllegalArgumentException when a schema holds a type with no canonical token, or a method
   *     has no parameters schema
   */
  public static String ofSchemas(String protocolName, Map<String, Map<SchemaRole, Schema>> methods) {
    List<Described> described = new ArrayList<>();
    methods.forEach((name, schemas) -> {
      Schema params = schemas.get(SchemaRole.PARAMETERS);
      if (params == null) {
        throw new IllegalArgumentException("method " + name + ": no parameters schema");
      }
      Optional<Schema> result = Optional.ofNullable(schemas.get(SchemaRole.RESULT));
      described.add(new Described(name, result.isPresent() ? MethodKind.UNARY : MethodKind.STREAM, params,
          result.filter(schema -> !schema.getFields().isEmpty()), Optional.ofNullable(schemas.get(SchemaRole.HEADER))));
    });
    return digest(preimage(protocolName, described));
  }

  /** What the hash takes of a method: a result only when it returns a value (its {@code has_return}). */
  private record Described(String name, MethodKind kind, Schema params, Optional<Schema> result,
      Optional<Schema> header) {}

  private static String preimage(String protocolName, List<Described> methods) {
    List<Described> sorted = new ArrayList<>(methods);
    sorted.sort(Comparator.comparing(Described::name, BY_CODE_POINT));
    List<Object> entries = new ArrayList<>();
    for (Described method : sorted) {
      entries.add(entry(method));
    }
    Map<String, Object> description = new LinkedHashMap<>();
    description.put("protocol", protocolName);
    description.put("methods", entries);
    return Jcs.write(description);
  }

  /**
   * Hashes a preimage: {@code lowercase_hex(sha256(DOMAIN + preimage))} over UTF-8.
   *
   * @param preimage canonical JSON
   * @return 64 lowercase hex digits
   */
  public static String digest(String preimage) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(DOMAIN.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha256.digest(preimage.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  private static Map<String, Object> entry(Described method) {
    try {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", method.name());
      entry.put("type", method.kind().wireName());
      entry.put("has_return", method.result().isPresent());
      entry.put("has_header", method.header().isPresent());
      entry.put("params", fields(method.params()));
      // absent and empty differ: a method returning nothing is not one returning an empty struct
      method.result().ifPresent(result -> entry.put("result", fields(result)));
      method.header().ifPresent(header -> entry.put("header", fields(header)));
      return entry;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("method " + method.name() + ": " + e.getMessage(), e);
    }
  }

  /** A schema's fields in declaration order, which is significant. */
  static List<Object> fields(Schema schema) {
    List<Object> fields = new ArrayList<>();
    for (Field field : schema.getFields()) {
      Map<String, Object> token = new LinkedHashMap<>();
      token.put("name", field.getName());
      token.put("nullable", field.isNullable());
      token.put("type", TypeTokens.of(field));
      fields.add(token);
    }
    return fields;
  }
}
