package dev.arrowrpc.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Request bodies too large to hold: a stream described as a prefix, a run of zero bytes and a
 * suffix, and its zstd and gzip encodings (made without ever holding the decoded stream). The
 * zstd frames are written by hand (raw and run-length blocks), so a 16 GiB body costs a few hundred
 * KiB, and frames can be split, concatenated or made to lie.
 */
final class HttpBodies {
  private static final int BLOCK = 128 * 1024;
  private static final byte[] ZSTD_MAGIC = {(byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD};

  private HttpBodies() {}

  /**
   * A body: {@code prefix}, then {@code zeros} zero bytes, then {@code suffix}.
   *
   * @param prefix the first bytes
   * @param zeros how many zero bytes follow
   * @param suffix the last bytes
   */
  record Virtual(byte[] prefix, long zeros, byte[] suffix) {
    long length() {
      return prefix.length + zeros + suffix.length;
    }

    /** Writes the whole body (in 64 KiB pieces). */
    void writeTo(OutputStream out) throws IOException {
      out.write(prefix);
      byte[] empty = new byte[64 * 1024];
      for (long left = zeros; left > 0; left -= empty.length) {
        out.write(empty, 0, (int) Math.min(empty.length, left));
      }
      out.write(suffix);
    }
  }

  /**
   * A valid {@code echo_bytes} request whose one cell holds {@code cell} zero bytes, as a prefix,
   * the zeros and a suffix: a small request is built, then its batch header and offsets are patched
   * to the larger size (the cell is the body's last buffer).
   */
  static Virtual hugeEchoBytes(long cell) {
    if (cell > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("an offset is an int32: " + cell);
    }
    int small = 1_000_003;
    byte[] bytes = Requests.echoBytes(new byte[small]).bytes();
    long smallPadded = pad8(small);
    long bigPadded = pad8(cell);
    int bodyEnd = bytes.length - 8; // the end-of-stream marker follows the batch's body
    int dataStart = (int) (bodyEnd - smallPadded);
    int continuation = -1;
    for (int i = dataStart - 8; i >= 0; i--) {
      if (readInt(bytes, i) == -1) {
        continuation = i;
        break;
      }
    }
    if (continuation < 0) {
      throw new IllegalStateException("no batch message found in the echo_bytes request");
    }
    int bodyStart = continuation + 8 + readInt(bytes, continuation + 4);
    long bodyLength = bodyEnd - bodyStart;
    byte[] prefix = Arrays.copyOf(bytes, dataStart);
    int patched = 0;
    for (int i = continuation + 8; i + 8 <= bodyStart; i += 4) {
      long value = readLong(prefix, i);
      if (value == small) {
        writeLong(prefix, i, cell);
        patched++;
      } else if (value == smallPadded) {
        writeLong(prefix, i, bigPadded);
        patched++;
      } else if (value == bodyLength) {
        writeLong(prefix, i, bodyLength - smallPadded + bigPadded);
        patched++;
      }
    }
    boolean offsets = false;
    for (int i = bodyStart; i + 4 <= dataStart; i += 4) {
      if (readInt(prefix, i) == small) {
        writeInt(prefix, i, (int) cell);
        offsets = true;
      }
    }
    if (patched < 2 || !offsets) {
      throw new IllegalStateException("the echo_bytes request could not be patched (" + patched + " fields)");
    }
    return new Virtual(prefix, bigPadded, Arrays.copyOfRange(bytes, bodyEnd, bytes.length));
  }

  private static long pad8(long n) {
    return (n + 7) / 8 * 8;
  }

  private static int readInt(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  private static void writeInt(byte[] b, int at, int value) {
    ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(value);
  }

  private static long readLong(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static void writeLong(byte[] b, int at, long value) {
    ByteBuffer.wrap(b, at, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
  }

  // ------------------------------------------------------------------ zstd

  /** One zstd block: raw bytes, or one byte repeated. */
  private record Block(boolean rle, int size, byte[] data) {}

  /**
   * The body as zstd frames (a frame every {@code bytesPerFrame} decoded bytes, so more than one
   * frame means concatenated frames).
   */
  static byte[] zstd(Virtual body, long bytesPerFrame) {
    List<Block> blocks = new ArrayList<>();
    raw(blocks, body.prefix());
    for (long left = body.zeros(); left > 0; left -= BLOCK) {
      blocks.add(new Block(true, (int) Math.min(BLOCK, left), new byte[] {0}));
    }
    raw(blocks, body.suffix());
    int perFrame = (int) Math.min(Math.max(1, blocks.size()), Math.max(1, bytesPerFrame / BLOCK));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int start = 0; start < blocks.size(); start += perFrame) {
      frameHeader(out);
      int end = Math.min(blocks.size(), start + perFrame);
      for (int i = start; i < end; i++) {
        block(out, blocks.get(i), i == end - 1);
      }
    }
    return out.toByteArray();
  }

  /** A small body as one zstd frame of raw blocks. */
  static byte[] zstd(byte[] body) {
    return zstd(new Virtual(body, 0, new byte[0]), Long.MAX_VALUE);
  }

  /**
   * A frame whose header declares {@code declared} content bytes, followed by blocks that decode to
   * {@code actual} zero bytes: a frame that lies about its size.
   */
  static byte[] zstdLyingSize(long declared, long actual) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ZSTD_MAGIC);
    out.write(0xC0); // 8-byte frame content size, not single-segment
    out.write(0x38); // window 128 KiB
    byte[] size = new byte[8];
    writeLong(size, 0, declared);
    out.writeBytes(size);
    for (long left = actual; left > 0; left -= BLOCK) {
      block(out, new Block(true, (int) Math.min(BLOCK, left), new byte[] {0}), left <= BLOCK);
    }
    return out.toByteArray();
  }

  /** A skippable frame that says it is {@code size} bytes long, followed by {@code after}. */
  static byte[] zstdSkippable(long size, byte[] after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x50, (byte) 0x2A, (byte) 0x4D, (byte) 0x18});
    byte[] length = new byte[4];
    writeInt(length, 0, (int) size);
    out.writeBytes(length);
    out.writeBytes(after);
    return out.toByteArray();
  }

  private static void raw(List<Block> blocks, byte[] bytes) {
    for (int at = 0; at < bytes.length; at += BLOCK) {
      byte[] piece = Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + BLOCK));
      blocks.add(new Block(false, piece.length, piece));
    }
  }

  private static void frameHeader(ByteArrayOutputStream out) {
    out.writeBytes(ZSTD_MAGIC);
    out.write(0x00); // no content size, not single-segment, no checksum, no dictionary
    out.write(0x38); // window descriptor: 2^17 = 128 KiB
  }

  private static void block(ByteArrayOutputStream out, Block block, boolean last) {
    int header = (last ? 1 : 0) | (block.rle() ? 1 : 0) << 1 | block.size() << 3;
    out.write(header & 0xff);
    out.write(header >>> 8 & 0xff);
    out.write(header >>> 16 & 0xff);
    out.writeBytes(block.rle() ? block.data() : block.data());
  }

  // ------------------------------------------------------------------ gzip

  /** The body as gzip members, a member every {@code bytesPerMember} decoded bytes. */
  static byte[] gzip(Virtual body, long bytesPerMember) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      MemberSplitter members = new MemberSplitter(out, bytesPerMember);
      body.writeTo(members);
      members.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A small body as one gzip member. */
  static byte[] gzip(byte[] body) {
    return gzip(new Virtual(body, 0, new byte[0]), Long.MAX_VALUE);
  }

  /** Writes through gzip members, starting a new member every so many bytes. */
  private static final class MemberSplitter extends OutputStream {
    private final OutputStream out;
    private final long perMember;
    private GZIPOutputStream member;
    private long inMember;

    MemberSplitter(OutputStream out, long perMember) {
      this.out = out;
      this.perMember = perMember;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (member == null) {
          member = new GZIPOutputStream(new NonClosing(out), 64 * 1024);
          inMember = 0;
        }
        int n = (int) Math.min(len, perMember - inMember);
        member.write(b, off, n);
        inMember += n;
        off += n;
        len -= n;
        if (inMember >= perMember) {
          member.finish();
          member = null;
        }
      }
    }

    void finish() throws IOException {
      if (member != null) {
        member.finish();
        member = null;
      }
    }
  }

  private static final class NonClosing extends OutputStream {
    private final OutputStream out;

    NonClosing(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() {
      // the members share the output
    }
  }
}
