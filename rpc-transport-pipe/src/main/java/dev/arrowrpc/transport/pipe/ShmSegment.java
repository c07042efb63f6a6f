package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.shm.SharedSegment;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A POSIX shared-memory segment (a file under {@code /dev/shm}, the name peers pass to {@code
 * shm_open}, as Python's {@code multiprocessing.shared_memory} does) in the reference layout of
 * WIRE_PROTOCOL.md section 11, memory-mapped: a 65,536-byte header (magic {@code VGIS}, version 1,
 * data size, allocation count, then up to {@value #MAX_ALLOCS} sorted (offset, length) pairs, all
 * little-endian) and the data region after it, managed by the reference's first-fit allocator.
 *
 * <p>A segment this process {@link #create created} is removed from {@code /dev/shm} when it is
 * closed; one it {@link #attach attached} is only unmapped (its creator removes it). Mappings are
 * limited to 2 GiB. Batches resolved from it use its memory in place ({@link #mapsZeroCopy()}), so
 * the mapping outlives {@link #close()} until the last of them is released.
 */
public final class ShmSegment implements SharedSegment {
  /** Bytes of the header; the data region starts here. */
  public static final int HEADER_SIZE = 65536;
  /** The most allocations the header holds: {@code (65536 - 24) / 16}. */
  public static final int MAX_ALLOCS = (HEADER_SIZE - 24) / 16;

  private static final Path DIRECTORY = Path.of("/dev/shm");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,250}");
  private static final byte[] MAGIC = {'V', 'G', 'I', 'S'};
  private static final int VERSION = 1;
  private static final int NUM_ALLOCS_AT = 16;
  private static final int ENTRIES_AT = 24;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final long size;
  private final boolean owner;
  private volatile MappedByteBuffer map;
  /** The mapping, kept until it is unmapped (after {@link #close()} and the last lent batch). */
  private MappedByteBuffer mapping;
  /** Batches using the mapping in place ({@link #retainMapping()}), guarded by {@code this}. */
  private int lent;

  private ShmSegment(String name, long size, boolean owner, MappedByteBuffer map) {
    this.name = name;
    this.size = size;
    this.owner = owner;
    this.map = map;
    this.mapping = map;
  }

  /**
   * The names of the segments this JVM created (whether or not still present), so that a test can
   * tell its own leftovers from another process's segments.
   */
  static final java.util.Set<String> CREATED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Creates a segment with a fresh name and an empty allocation list; closing it removes it.
   *
   * @param size the total size in bytes, header included: more than {@value #HEADER_SIZE}, at most
   *     2 GiB - 1
   * @return the segment
   * @throws IllegalArgumentException when the size is out of range
   * @throws IOException when the segment cannot be created (no {@code /dev/shm}, say)
   */
  public static ShmSegment create(long size) throws IOException {
    if (size <= HEADER_SIZE || size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("segment size must be more than " + HEADER_SIZE + " and at most "
          + Integer.MAX_VALUE + " bytes, got " + size);
    }
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    String name = "vgi_" + HexFormat.of().formatHex(random);
    Path path = DIRECTORY.resolve(name);
    CREATED.add(name);
    try (FileChannel channel = FileChannel.open(path, java.util.Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      channel.write(ByteBuffer.allocate(1), size - 1);
      MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
      map.order(ByteOrder.LITTLE_ENDIAN);
      map.put(0, MAGIC[0]).put(1, MAGIC[1]).put(2, MAGIC[2]).put(3, MAGIC[3]);
      map.putInt(4, VERSION);
      map.putLong(8, size - HEADER_SIZE);
      map.putInt(NUM_ALLOCS_AT, 0);
      map.putInt(20, 0);
      return new ShmSegment(name, size, true, map);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(path);
      throw e;
    }
  }

  /**
   * Maps a segment another process created and checks its header. The size mapped is the
   * segment's own (as the kernel reports it), which the header's data size must match.
   *
   * @param name the segment's OS name (letters, digits, {@code _ . -}; no slash)
   * @param size the size the peer advertised (not trusted: the segment's own size is used)
   * @return the segment; closing it unmaps it
   * @throws IOException when the name is not a segment name, the segment does not exist, is too
   *     small or too large, or its header is not the reference layout
   */
  public static ShmSegment attach(String name, long size) throws IOException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IOException("not a shared-memory segment name: '" + name + "'");
    }
    Path path = DIRECTORY.resolve(name);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long actual = channel.size();
      if (actual <= HEADER_SIZE || actual > Integer.MAX_VALUE) {
        throw new IOException("shared-memory segment '" + name + "' has " + actual + " bytes; expected more than "
            + HEADER_SIZE + " and at most " + Integer.MAX_VALUE);
      }
      MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, actual);
      map.order(ByteOrder.LITTLE_ENDIAN);
      try {
        checkHeader(map, actual, name);
      } catch (IOException e) {
        unmap(map);
        throw e;
      }
      return new ShmSegment(name, actual, false, map);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("no shared-memory segment named '" + name + "'", e);
    }
  }

  private static void checkHeader(ByteBuffer map, long size, String name) throws IOException {
    for (int i = 0; i < MAGIC.length; i++) {
      if (map.get(i) != MAGIC[i]) {
        throw new IOException("bad shared-memory magic in segment '" + name + "'");
      }
    }
    int version = map.getInt(4);
    if (version != VERSION) {
      throw new IOException("unsupported shared-memory version " + Integer.toUnsignedString(version)
          + " in segment '" + name + "'");
    }
    long dataSize = map.getLong(8);
    if (dataSize != size - HEADER_SIZE) {
      throw new IOException("shared-memory data_size mismatch in segment '" + name + "': header says "
          + Long.toUnsignedString(dataSize) + ", expected " + (size - HEADER_SIZE));
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long size() {
    return size;
  }

  /** {@return the number of live allocations, as the header says} */
  public int allocations() {
    return map().getInt(NUM_ALLOCS_AT);
  }

  @Override
  public OptionalLong allocate(long length) {
    if (length <= 0) {
      throw new IllegalArgumentException("allocation size must be positive, got " + length);
    }
    ByteBuffer header = map();
    int count = header.getInt(NUM_ALLOCS_AT);
    if (count < 0 || count >= MAX_ALLOCS) {
      return OptionalLong.empty(); // full (or a corrupt count): the batch stays inline
    }
    long previousEnd = HEADER_SIZE;
    for (int i = 0; i < count; i++) {
      long offset = header.getLong(ENTRIES_AT + i * 16);
      if (offset - previousEnd >= length) {
        insert(header, count, i, previousEnd, length);
        return OptionalLong.of(previousEnd);
      }
      previousEnd = offset + header.getLong(ENTRIES_AT + i * 16 + 8);
    }
    if (size - previousEnd >= length) {
      insert(header, count, count, previousEnd, length);
      return OptionalLong.of(previousEnd);
    }
    return OptionalLong.empty();
  }

  private static void insert(ByteBuffer header, int count, int at, long offset, long length) {
    for (int i = count; i > at; i--) {
      header.putLong(ENTRIES_AT + i * 16, header.getLong(ENTRIES_AT + (i - 1) * 16));
      header.putLong(ENTRIES_AT + i * 16 + 8, header.getLong(ENTRIES_AT + (i - 1) * 16 + 8));
    }
    header.putLong(ENTRIES_AT + at * 16, offset);
    header.putLong(ENTRIES_AT + at * 16 + 8, length);
    header.putInt(NUM_ALLOCS_AT, count + 1);
  }

  @Override
  public void free(long offset) {
    ByteBuffer header = map();
    int count = Math.min(Math.max(header.getInt(NUM_ALLOCS_AT), 0), MAX_ALLOCS);
    for (int i = 0; i < count; i++) {
      if (header.getLong(ENTRIES_AT + i * 16) == offset) {
        for (int j = i; j < count - 1; j++) {
          header.putLong(ENTRIES_AT + j * 16, header.getLong(ENTRIES_AT + (j + 1) * 16));
          header.putLong(ENTRIES_AT + j * 16 + 8, header.getLong(ENTRIES_AT + (j + 1) * 16 + 8));
        }
        header.putInt(NUM_ALLOCS_AT, count - 1);
        return;
      }
    }
    throw new IllegalArgumentException("no allocation at offset " + offset + " in segment '" + name + "'");
  }

  /** Clears every allocation (between calls, when nothing still refers to the data). */
  public void reset() {
    map().putInt(NUM_ALLOCS_AT, 0);
  }

  @Override
  public ByteBuffer region(long offset, long length) {
    if (offset < HEADER_SIZE || length < 0 || offset > size || length > size - offset) {
      throw new IllegalArgumentException("region [" + offset + ", +" + length + ") is outside the data region ["
          + HEADER_SIZE + ", " + size + ") of segment '" + name + "'");
    }
    return map().slice((int) offset, (int) length);
  }

  /**
   * A copy of the header's first bytes (for diagnostics and layout tests).
   *
   * @param length how many bytes, at most {@value #HEADER_SIZE}
   * @return the bytes
   */
  public byte[] headerBytes(int length) {
    byte[] bytes = new byte[Math.min(length, HEADER_SIZE)];
    map().get(0, bytes);
    return bytes;
  }

  private ByteBuffer map() {
    MappedByteBuffer current = map;
    if (current == null) {
      throw new IllegalStateException("shared-memory segment '" + name + "' is closed");
    }
    return current;
  }

  @Override
  public boolean mapsZeroCopy() {
    return true;
  }

  @Override
  public synchronized void retainMapping() {
    if (map == null) {
      throw new IllegalStateException("shared-memory segment '" + name + "' is closed");
    }
    lent++;
  }

  @Override
  public void releaseMapping() {
    MappedByteBuffer unmapNow = null;
    synchronized (this) {
      if (lent <= 0) {
        throw new IllegalStateException("shared-memory segment '" + name + "' has no lent mapping to release");
      }
      lent--;
      if (lent == 0 && map == null && mapping != null) {
        unmapNow = mapping;
        mapping = null;
      }
    }
    if (unmapNow != null) {
      unmap(unmapNow);
    }
  }

  /** {@return how many resolved batches still use the mapping in place (for tests)} */
  synchronized int lentMappings() {
    return lent;
  }

  /**
   * Closes the segment: when this process created it, removes it from {@code /dev/shm} at once;
   * unmaps it now, or when the last batch still using its memory is released. Buffers from {@link
   * #region} must not be used afterwards. Idempotent.
   */
  @Override
  public void close() {
    MappedByteBuffer unmapNow = null;
    synchronized (this) {
      if (map == null) {
        return;
      }
      map = null;
      if (lent == 0) {
        unmapNow = mapping;
        mapping = null;
      }
    }
    if (unmapNow != null) {
      unmap(unmapNow);
    }
    if (owner) {
      try {
        Files.deleteIfExists(DIRECTORY.resolve(name));
      } catch (IOException e) {
        org.slf4j.LoggerFactory.getLogger(ShmSegment.class).warn("could not remove shared-memory segment {}: {}",
            name, e.getMessage());
      }
    }
  }

  /** Releases a mapping now rather than at garbage collection, where the runtime allows it. */
  private static void unmap(MappedByteBuffer buffer) {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field field = unsafeClass.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      Method invokeCleaner = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
      invokeCleaner.invoke(field.get(null), buffer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // the mapping goes when the buffer is collected
    }
  }

  @Override
  public String toString() {
    return "ShmSegment[" + name + ", " + size + " bytes" + (owner ? ", owned" : "") + "]";
  }
}
