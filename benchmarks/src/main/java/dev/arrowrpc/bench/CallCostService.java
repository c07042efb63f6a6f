package dev.arrowrpc.bench;

import dev.arrowrpc.core.RpcService;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The calls of the per-call cost row ({@link CallCost}): a no-op, a small call and a call with ten
 * parameters of ten types. Its generated class, {@code CallCostService_ArrowRpcInvoker}, is written
 * by rpc-codegen's annotation processor when this module compiles; {@link CallCost} also serves the
 * same protocol through a twin interface the processor does not see, so one run compares both paths.
 */
@RpcService(name = "CallCostService", version = "1.0.0")
public interface CallCostService {

  /** Does nothing. */
  void noop();

  /**
   * Adds one.
   *
   * @param value an int32
   * @return {@code value + 1}
   */
  int small(int value);

  /**
   * Takes ten parameters of mixed types and answers with a digest of them, so none is dead.
   *
   * @param id an int64
   * @param count an int32
   * @param score a float64
   * @param ratio a float32
   * @param enabled a bool
   * @param label a utf8
   * @param blob a binary
   * @param values a list of int64
   * @param tags a map of utf8 to utf8
   * @param at a timestamp
   * @return a digest of the parameters
   */
  long mixed(long id, int count, double score, float ratio, boolean enabled, String label,
      byte[] blob, List<Long> values, Map<String, String> tags, Instant at);

  /**
   * The implementation: small work, the same on both paths (not final: {@link CallCost}'s
   * reflection twin extends it).
   */
  class Impl implements CallCostService {
    /** Creates it. */
    public Impl() {}

    @Override
    public void noop() {}

    @Override
    public int small(int value) {
      return value + 1;
    }

    @Override
    public long mixed(long id, int count, double score, float ratio, boolean enabled, String label,
        byte[] blob, List<Long> values, Map<String, String> tags, Instant at) {
      long digest = id * 31 + count;
      digest = digest * 31 + (long) score + (long) ratio + (enabled ? 1 : 0);
      digest = digest * 31 + label.length() + blob.length + values.size() + tags.size();
      return digest * 31 + at.getEpochSecond();
    }
  }
}
