package dev.arrowrpc.bench;

import dev.arrowrpc.core.generated.GeneratedInvoker;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The generated class of {@link CallCostService}, written by hand exactly as rpc-codegen's
 * annotation processor emits it: one nested class per method reading its parameters into typed
 * fields (no {@code Object[]}, no boxing of primitives) and calling the implementation directly.
 */
public final class CallCostService_ArrowRpcInvoker implements GeneratedInvoker<CallCostService> {
  private static final Method<CallCostService> NOOP = new Noop();
  private static final Method<CallCostService> SMALL = new Small();
  private static final Method<CallCostService> MIXED = new Mixed();

  /** Creates the invoker (the runtime does, once per interface). */
  public CallCostService_ArrowRpcInvoker() {}

  @Override
  public Class<CallCostService> service() {
    return CallCostService.class;
  }

  @Override
  public Optional<Method<CallCostService>> method(String name) {
    return switch (name) {
      case "noop" -> Optional.of(NOOP);
      case "small" -> Optional.of(SMALL);
      case "mixed" -> Optional.of(MIXED);
      default -> Optional.empty();
    };
  }

  private static final class Noop implements Method<CallCostService> {
    private static final Call<CallCostService> CALL = service -> {
      service.noop();
      return null;
    };

    @Override
    public Call<CallCostService> read(ParameterRow parameters) {
      return CALL;
    }

    @Override
    public void write(Object[] args, ParameterWriter parameters) {}

    @Override
    public Object readResult(ResultRow result) {
      return null;
    }
  }

  private static final class Small implements Method<CallCostService> {
    @Override
    public Call<CallCostService> read(ParameterRow parameters) {
      int value = parameters.getInt(0);
      return service -> service.small(value);
    }

    @Override
    public void write(Object[] args, ParameterWriter parameters) {
      parameters.setInt(0, (Integer) args[0]);
    }

    @Override
    public Object readResult(ResultRow result) {
      return result.getInt(0);
    }
  }

  private static final class Mixed implements Method<CallCostService> {
    @Override
    @SuppressWarnings("unchecked")
    public Call<CallCostService> read(ParameterRow parameters) {
      long id = parameters.getLong(0);
      int count = parameters.getInt(1);
      double score = parameters.getDouble(2);
      float ratio = parameters.getFloat(3);
      boolean enabled = parameters.getBoolean(4);
      String label = (String) parameters.get(5);
      byte[] blob = (byte[]) parameters.get(6);
      List<Long> values = (List<Long>) parameters.get(7);
      Map<String, String> tags = (Map<String, String>) parameters.get(8);
      Instant at = (Instant) parameters.get(9);
      return service -> service.mixed(id, count, score, ratio, enabled, label, blob, values, tags, at);
    }

    @Override
    public void write(Object[] args, ParameterWriter parameters) {
      parameters.setLong(0, (Long) args[0]);
      parameters.setInt(1, (Integer) args[1]);
      parameters.setDouble(2, (Double) args[2]);
      parameters.setFloat(3, (Float) args[3]);
      parameters.setBoolean(4, (Boolean) args[4]);
      parameters.set(5, args[5]);
      parameters.set(6, args[6]);
      parameters.set(7, args[7]);
      parameters.set(8, args[8]);
      parameters.set(9, args[9]);
    }

    @Override
    public Object readResult(ResultRow result) {
      return result.getLong(0);
    }
  }
}
