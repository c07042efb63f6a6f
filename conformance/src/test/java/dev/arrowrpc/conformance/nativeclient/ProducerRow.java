package dev.arrowrpc.conformance.nativeclient;

import java.util.Arrays;

/**
 * One row of the reference's {@code PRODUCER_SCHEMA}: both fields non-nullable.
 *
 * @param index int64
 * @param payload binary
 */
public record ProducerRow(long index, byte[] payload) {
  @Override
  public boolean equals(Object other) {
    return other instanceof ProducerRow row && row.index == index && Arrays.equals(row.payload, payload);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(index) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "ProducerRow[index=" + index + ", payload=" + Arrays.toString(payload) + "]";
  }
}
