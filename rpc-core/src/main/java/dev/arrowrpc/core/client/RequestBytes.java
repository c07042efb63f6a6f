package dev.arrowrpc.core.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A request body assembled in memory for a transport that sends whole bodies (HTTP, Flight): what
 * is written is kept in chunks that each hold what they were given, so growing never copies what
 * was written before (a {@code ByteArrayOutputStream} doubles and copies, then copies the whole
 * once more), and {@link #toByteArray()} copies each byte once into an array of the exact size.
 * It is a channel too, so the wire layer copies a large Arrow buffer straight into it rather than
 * through a scratch array.
 */
final class RequestBytes extends OutputStream implements WritableByteChannel {
  /** The first chunk's size; each later one holds at least as much as all before it, up to {@link #MAX_CHUNK}. */
  private static final int FIRST_CHUNK = 8 * 1024;
  private static final int MAX_CHUNK = 16 * 1024 * 1024;
  /** The largest body one array can hold (arrays stop a little short of {@code Integer.MAX_VALUE}). */
  static final long MAX_BODY = Integer.MAX_VALUE - 16;

  private final List<byte[]> filled = new ArrayList<>();
  private long filledBytes;
  private byte[] current = new byte[FIRST_CHUNK];
  private int used;

  @Override
  public void write(int b) throws IOException {
    room(1);
    current[used++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      int n = room(len);
      System.arraycopy(b, off, current, used, n);
      used += n;
      off += n;
      len -= n;
    }
  }

  @Override
  public int write(ByteBuffer source) throws IOException {
    int length = source.remaining();
    while (source.hasRemaining()) {
      int n = room(source.remaining());
      source.get(current, used, n);
      used += n;
    }
    return length;
  }

  /**
   * Makes room in the current chunk for up to {@code wanted} bytes, starting a new chunk when it is
   * full, and refuses a body past what one array holds.
   *
   * @return how many bytes fit now (at least 1)
   */
  private int room(int wanted) throws IOException {
    if (size() + wanted > MAX_BODY) {
      throw new IOException("the request body would exceed " + MAX_BODY + " bytes, more than one request can carry "
          + "whole; send the data as a stream of batches (BatchStream) instead");
    }
    if (used == current.length) {
      filled.add(current);
      filledBytes += used;
      current = new byte[(int) Math.min(MAX_CHUNK, Math.max(FIRST_CHUNK, filledBytes))];
      used = 0;
    }
    return Math.min(wanted, current.length - used);
  }

  /** {@return the bytes written so far} */
  long size() {
    return filledBytes + used;
  }

  /** {@return the bytes written, in one array of their exact length} */
  byte[] toByteArray() {
    byte[] all = new byte[(int) size()];
    int at = 0;
    for (byte[] chunk : filled) {
      System.arraycopy(chunk, 0, all, at, chunk.length);
      at += chunk.length;
    }
    System.arraycopy(current, 0, all, at, used);
    return all;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void close() {
    // nothing to release: the chunks are heap arrays
  }
}
