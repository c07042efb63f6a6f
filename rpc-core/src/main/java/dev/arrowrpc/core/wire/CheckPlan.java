package dev.arrowrpc.core.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.arrow.vector.BufferLayout;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The checks of a record batch against fields of the common kinds, flattened once per schema into
 * arrays in walk order, so that {@link WireBounds} checks a batch of those fields without asking
 * each field its type and layouts again. A plan covers fixed-width values (integers, floats,
 * booleans, dates, times, timestamps, durations, decimals, fixed-size binary), strings and binary
 * with 32- or 64-bit offsets, lists, large lists, maps and structs of those; any other field (a
 * dictionary, a view, a union, a run-end encoding, a fixed-size list, nulls) leaves the schema
 * without a plan, and the general walk checks it. A plan only ever answers that a batch passes:
 * when one of its checks fails, the general walk runs and names what is wrong.
 */
final class CheckPlan {
  /** A fixed-width field: a validity bitmap and a data buffer of {@code width} bits per value. */
  static final byte FIXED = 0;
  /** A string or binary field: a validity bitmap, {@code width}-byte offsets and data. */
  static final byte VARIABLE = 1;
  /** A list, large list or map: a validity bitmap, {@code width}-byte offsets, one child. */
  static final byte LIST = 2;
  /** A struct: a validity bitmap, {@code children} children. */
  static final byte STRUCT = 3;

  /** Each field's kind, in walk order (a field, then its children). */
  final byte[] kinds;
  /** Each field's width: bits per value ({@link #FIXED}) or bytes per offset ({@link #VARIABLE}, {@link #LIST}). */
  final int[] widths;
  /** Each field's child count. */
  final int[] children;
  /** Each field's parent, by its index in walk order, or -1 for a column of the batch. */
  final int[] parents;
  /**
   * The index of each field's first buffer (its validity bitmap) among the batch's buffers: a field
   * of each kind has a fixed number of them ({@link #buffersOf}), so the i-th field's node is the
   * batch's i-th and its buffers start here.
   */
  final int[] firstBuffers;
  /** The buffers a batch of these fields holds. */
  final int buffers;

  private CheckPlan(byte[] kinds, int[] widths, int[] children, int[] parents, int[] firstBuffers, int buffers) {
    this.kinds = kinds;
    this.widths = widths;
    this.children = children;
    this.parents = parents;
    this.firstBuffers = firstBuffers;
    this.buffers = buffers;
  }

  /** {@return the buffers a field of a kind has: a validity bitmap, then data, offsets or nothing} */
  static int buffersOf(byte kind) {
    return switch (kind) {
      case FIXED, LIST -> 2;
      case VARIABLE -> 3;
      default -> 1;
    };
  }

  /**
   * The plan of a schema's fields, when every field has one of the planned kinds.
   *
   * @param fields the fields, as the batch is checked against them
   * @param layouts a type's buffer layouts
   * @return the plan, or null
   */
  static CheckPlan of(List<Field> fields, Function<ArrowType, List<BufferLayout>> layouts) {
    List<int[]> steps = new ArrayList<>();
    for (Field field : fields) {
      if (!add(field, layouts, steps, 0, -1)) {
        return null;
      }
    }
    byte[] kinds = new byte[steps.size()];
    int[] widths = new int[steps.size()];
    int[] children = new int[steps.size()];
    int[] parents = new int[steps.size()];
    int[] firstBuffers = new int[steps.size()];
    int buffers = 0;
    for (int i = 0; i < kinds.length; i++) {
      kinds[i] = (byte) steps.get(i)[0];
      widths[i] = steps.get(i)[1];
      children[i] = steps.get(i)[2];
      parents[i] = steps.get(i)[3];
      firstBuffers[i] = buffers;
      buffers += buffersOf(kinds[i]);
    }
    return new CheckPlan(kinds, widths, children, parents, firstBuffers, buffers);
  }

  private static boolean add(Field field, Function<ArrowType, List<BufferLayout>> layoutsOf, List<int[]> steps,
      int depth, int parent) {
    if (field.getDictionary() != null || depth > 64) {
      return false;
    }
    ArrowType type = field.getType();
    List<BufferLayout> layouts = layoutsOf.apply(type);
    List<Field> kids = field.getChildren();
    if (layouts.isEmpty() || layouts.get(0).getType() != BufferLayout.BufferType.VALIDITY) {
      return false;
    }
    int[] step;
    if (type instanceof ArrowType.List || type instanceof ArrowType.LargeList || type instanceof ArrowType.Map) {
      if (kids.size() != 1 || layouts.size() != 2 || layouts.get(1).getType() != BufferLayout.BufferType.OFFSET) {
        return false;
      }
      step = new int[] {LIST, layouts.get(1).getTypeBitWidth() / 8, 1, parent};
    } else if (type instanceof ArrowType.Struct) {
      if (layouts.size() != 1) {
        return false;
      }
      step = new int[] {STRUCT, 0, kids.size(), parent};
    } else if (!kids.isEmpty()) {
      return false;
    } else if (layouts.size() == 2 && layouts.get(1).getType() == BufferLayout.BufferType.DATA
        && (type instanceof ArrowType.Int || type instanceof ArrowType.FloatingPoint || type instanceof ArrowType.Bool
            || type instanceof ArrowType.Date || type instanceof ArrowType.Time || type instanceof ArrowType.Timestamp
            || type instanceof ArrowType.Duration || type instanceof ArrowType.Decimal
            || type instanceof ArrowType.FixedSizeBinary || type instanceof ArrowType.Interval)) {
      step = new int[] {FIXED, layouts.get(1).getTypeBitWidth(), 0, parent};
    } else if (layouts.size() == 3 && layouts.get(1).getType() == BufferLayout.BufferType.OFFSET
        && layouts.get(2).getType() == BufferLayout.BufferType.DATA
        && (type instanceof ArrowType.Utf8 || type instanceof ArrowType.Binary
            || type instanceof ArrowType.LargeUtf8 || type instanceof ArrowType.LargeBinary)) {
      step = new int[] {VARIABLE, layouts.get(1).getTypeBitWidth() / 8, 0, parent};
    } else {
      return false;
    }
    int index = steps.size();
    steps.add(step);
    for (Field kid : kids) {
      if (!add(kid, layoutsOf, steps, depth + 1, index)) {
        return false;
      }
    }
    return true;
  }
}
