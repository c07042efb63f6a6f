package dev.arrowrpc.conformance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@link RichHeader} a seed determines, field for field as the reference does. */
final class RichHeaders {
  private static final List<Status> STATUS_CYCLE = List.of(Status.PENDING, Status.ACTIVE, Status.CLOSED);

  private RichHeaders() {}

  /**
   * The header for a seed.
   *
   * @param seed any value; the tests use small non-negative ones
   * @return the header
   */
  static RichHeader build(long seed) {
    boolean even = Math.floorMod(seed, 2) == 0;
    Map<String, Long> dict = new LinkedHashMap<>();
    dict.put("a", seed);
    dict.put("b", seed + 1);
    return new RichHeader(
        "seed-" + seed,
        new byte[] {unsignedByte(seed), unsignedByte(seed + 1), unsignedByte(seed + 2)},
        seed * 7,
        seed * 1.5,
        even,
        List.of(seed, seed + 1, seed + 2),
        List.of("item-" + seed, "item-" + (seed + 1)),
        dict,
        STATUS_CYCLE.get(Math.floorMod(seed, 3)),
        new Point(seed, seed * 2.0),
        even ? "opt-" + seed : null,
        even ? null : seed * 3,
        Math.floorMod(seed, 3) == 0 ? new Point(seed, 0.0) : null,
        List.of(new Point(seed, seed + 1.0)),
        List.of(List.of(seed, seed + 1), List.of(seed + 2)),
        Math.floorMod(seed, 1000),
        (float) (seed / 3.0),
        Map.of("key", "val-" + seed));
  }

  private static byte unsignedByte(long value) {
    return (byte) Math.floorMod(value, 256);
  }
}
