package dev.arrowrpc.core.server;

import dev.arrowrpc.core.auth.StreamTokens;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * The payloads of the two tokens a stateless stream travels with, split by lifetime as the
 * reference splits them: the <em>call</em> token, issued once at init, names the call and its
 * schemas; the <em>cursor</em>, reissued every turn, carries the state and the call id it belongs
 * to. The call token names the protocol too, so a continuation cannot move a stream to another
 * protocol, and the answer's byte limit in force at init, which no later turn may raise. Layouts
 * (big-endian), each starting with a kind byte and the format version (3 for a call token, 2 for a
 * cursor):
 *
 * <pre>
 * call:   0x43 'C' | 0x03 | call_id[16] | stream_id[16] | u16 len + protocol (UTF-8)
 *         | u16 len + method (UTF-8)
 *         | u32 len + output schema (IPC message) | u32 len + input schema (IPC message)
 *         | u64 response limit (0: none)
 * cursor: 0x53 'S' | 0x02 | call_id[16] | u32 len + state ({@link StateCodec})
 * </pre>
 *
 * A call token of version 2 (before the limit was sealed; issued by an older replica during a
 * rolling upgrade) is still read, as one without a limit.
 */
final class StreamCheckpoint {
  private static final int CALL = 'C';
  private static final int CURSOR = 'S';
  private static final int VERSION = 2;
  private static final int CALL_VERSION = 3;

  private StreamCheckpoint() {}

  /** What the call token says. */
  record Call(byte[] callId, byte[] streamId, String protocol, String method, byte[] outputSchema,
      byte[] inputSchema, OptionalLong responseLimit) {}

  /** What a cursor says. */
  record Cursor(byte[] callId, byte[] state) {}

  static byte[] call(Call call) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(CALL);
      out.writeByte(CALL_VERSION);
      out.write(call.callId());
      out.write(call.streamId());
      byte[] protocol = call.protocol().getBytes(StandardCharsets.UTF_8);
      out.writeShort(protocol.length);
      out.write(protocol);
      byte[] method = call.method().getBytes(StandardCharsets.UTF_8);
      out.writeShort(method.length);
      out.write(method);
      out.writeInt(call.outputSchema().length);
      out.write(call.outputSchema());
      out.writeInt(call.inputSchema().length);
      out.write(call.inputSchema());
      out.writeLong(call.responseLimit().orElse(0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] cursor(Cursor cursor) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(CURSOR);
      out.writeByte(VERSION);
      out.write(cursor.callId());
      out.writeInt(cursor.state().length);
      out.write(cursor.state());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Call readCall(byte[] payload) throws StreamTokens.InvalidTokenException {
    try (DataInputStream in = open(payload, CALL)) {
      boolean sealsLimit = payload[1] == CALL_VERSION;
      byte[] callId = in.readNBytes(16);
      byte[] streamId = in.readNBytes(16);
      byte[] protocol = in.readNBytes(in.readUnsignedShort());
      byte[] method = in.readNBytes(in.readUnsignedShort());
      byte[] output = in.readNBytes(length(in));
      byte[] input = in.readNBytes(length(in));
      long limit = sealsLimit ? in.readLong() : 0;
      if (input.length == 0 || limit < 0 || in.available() != 0) {
        throw new StreamTokens.InvalidTokenException("malformed call token");
      }
      return new Call(callId, streamId, strictUtf8(protocol), strictUtf8(method), output, input,
          limit == 0 ? OptionalLong.empty() : OptionalLong.of(limit));
    } catch (IOException e) {
      throw new StreamTokens.InvalidTokenException("malformed call token");
    }
  }

  /** Decodes a name from a token, refusing bytes that are not UTF-8 rather than replacing them. */
  private static String strictUtf8(byte[] bytes) throws StreamTokens.InvalidTokenException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new StreamTokens.InvalidTokenException("malformed call token: a name is not valid UTF-8");
    }
  }

  static Cursor readCursor(byte[] payload) throws StreamTokens.InvalidTokenException {
    try (DataInputStream in = open(payload, CURSOR)) {
      byte[] callId = in.readNBytes(16);
      byte[] state = in.readNBytes(length(in));
      if (state.length == 0 || in.available() != 0) {
        throw new StreamTokens.InvalidTokenException("malformed stream state token");
      }
      return new Cursor(callId, state);
    } catch (IOException e) {
      throw new StreamTokens.InvalidTokenException("malformed stream state token");
    }
  }

  private static DataInputStream open(byte[] payload, int kind) throws IOException, StreamTokens.InvalidTokenException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    if (payload.length < 2 || in.readUnsignedByte() != kind) {
      throw new StreamTokens.InvalidTokenException(kind == CALL ? "not a call token" : "not a stream state token");
    }
    int version = in.readUnsignedByte();
    if (version != VERSION && !(kind == CALL && version == CALL_VERSION)) {
      throw new StreamTokens.InvalidTokenException("unsupported token version");
    }
    return in;
  }

  private static int length(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("bad length");
    }
    return length;
  }
}
