package dev.arrowrpc.transport.http;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/** HTTP content codings: parsing the headers, negotiating a response codec, compressing. */
final class Encodings {
  private Encodings() {}

  /** A compression codec both directions understand. */
  enum Codec {
    ZSTD("zstd"),
    GZIP("gzip");

    private final String token;

    Codec(String token) {
      this.token = token;
    }

    /** The coding's name in HTTP headers. */
    String token() {
      return token;
    }
  }

  /**
   * The response codec chosen for a request.
   *
   * @param codec the codec
   * @param customHeader whether it was chosen only through {@code X-VGI-Accept-Encoding}, so the
   *     response names it in {@code X-VGI-Content-Encoding} rather than {@code Content-Encoding}
   */
  record Choice(Codec codec, boolean customHeader) {}

  /**
   * The codec a request body is encoded with.
   *
   * @param contentEncoding the {@code Content-Encoding} header, or null
   * @return the codec, or empty for identity
   * @throws IllegalArgumentException when the coding is not one this server decodes
   */
  static Optional<Codec> requestCodec(String contentEncoding) {
    if (contentEncoding == null) {
      return Optional.empty();
    }
    String token = contentEncoding.strip().toLowerCase(Locale.ROOT);
    return switch (token) {
      case "", "identity" -> Optional.empty();
      case "zstd" -> Optional.of(Codec.ZSTD);
      case "gzip", "x-gzip" -> Optional.of(Codec.GZIP);
      default -> throw new IllegalArgumentException("Content-Encoding '" + token + "' is not supported by this server;"
          + " supported: zstd, gzip");
    };
  }

  /** The coding names in an accept-encoding list, in order, lower-cased, parameters dropped. */
  static List<String> parseList(String header) {
    List<String> tokens = new ArrayList<>();
    if (header == null) {
      return tokens;
    }
    for (String part : header.split(",")) {
      String token = part.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (!token.isEmpty() && !tokens.contains(token)) {
        tokens.add(token);
      }
    }
    return tokens;
  }

  /**
   * Chooses a response codec the way the reference does: the client's {@code
   * X-VGI-Accept-Encoding} preferences first, then {@code Accept-Encoding}; {@code identity}
   * reached first means uncompressed.
   *
   * @param vgiAccept the {@code X-VGI-Accept-Encoding} header, or null
   * @param accept the {@code Accept-Encoding} header, or null
   * @param enabled whether the server compresses responses at all
   * @return the codec, or empty for an uncompressed response
   */
  static Optional<Choice> negotiate(String vgiAccept, String accept, boolean enabled) {
    if (!enabled) {
      return Optional.empty();
    }
    List<String> custom = parseList(vgiAccept);
    List<String> standard = parseList(accept);
    List<String> order = new ArrayList<>(custom);
    standard.stream().filter(t -> !custom.contains(t)).forEach(order::add);
    for (String token : order) {
      if (token.equals("identity")) {
        return Optional.empty();
      }
      for (Codec codec : Codec.values()) {
        if (codec.token().equals(token)) {
          return Optional.of(new Choice(codec, custom.contains(token) && !standard.contains(token)));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Compresses a whole body (zstd frames carry the content size, for decoders that need it).
   *
   * @param codec the codec
   * @param body the body
   * @return the compressed body
   */
  static byte[] compress(Codec codec, byte[] body) {
    return compress(codec, body, 1);
  }

  /**
   * Compresses a whole body, zstd at the given level (gzip at its default, as the reference's
   * client does).
   *
   * @param codec the codec
   * @param body the body
   * @param zstdLevel the zstd compression level
   * @return the compressed body
   */
  static byte[] compress(Codec codec, byte[] body, int zstdLevel) {
    if (codec == Codec.ZSTD) {
      return Zstd.compress(body, zstdLevel);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
