package dev.arrowrpc.core.wire;

import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Encoded schema messages, built once per schema instance. A service's parameter and result
 * schemas are fixed objects, so every call after the first writes its opening message as one
 * array copy instead of building a flatbuffer. The cache holds schema instances strongly and is
 * bounded: past {@link #LIMIT} entries (many run-time schemas) it starts over.
 */
final class SchemaMessages {
  static final int LIMIT = 1024;

  /** A schema compared by identity: equal-but-distinct schemas each get an entry, cheaply. */
  private record Key(Schema schema) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Key key && key.schema == schema;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(schema);
    }
  }

  private static final ConcurrentHashMap<Key, byte[]> ENCODED = new ConcurrentHashMap<>();

  private SchemaMessages() {}

  /**
   * A thread's last schema and its message: a connection answers the same method call after call.
   * Held in the thread's {@link MessageReader.PerThread}.
   */
  static final class Last {
    Schema schema;
    byte[] bytes;
  }

  /**
   * The schema's IPC message, framed and padded as it goes on the wire.
   *
   * @param schema the schema (message format)
   * @return the bytes; callers must not modify them
   */
  static byte[] encoded(Schema schema) {
    return encoded(schema, MessageReader.PerThread.current().lastSchema);
  }

  /**
   * The schema's IPC message (see {@link #encoded(Schema)}), checked first against this thread's
   * last one, as the caller found it.
   *
   * @param last this thread's last schema ({@link MessageReader.PerThread#lastSchema})
   */
  static byte[] encoded(Schema schema, Last last) {
    if (last.schema == schema) {
      return last.bytes;
    }
    byte[] bytes = lookup(schema);
    last.schema = schema;
    last.bytes = bytes;
    return bytes;
  }

  private static byte[] lookup(Schema schema) {
    Key key = new Key(schema);
    byte[] bytes = ENCODED.get(key);
    if (bytes == null) {
      bytes = IpcBytes.schema(schema);
      if (ENCODED.size() >= LIMIT) {
        ENCODED.clear();
      }
      ENCODED.put(key, bytes);
    }
    return bytes;
  }
}
