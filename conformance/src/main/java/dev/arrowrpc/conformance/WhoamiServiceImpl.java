package dev.arrowrpc.conformance;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.wire.Json;
import java.util.Map;
import java.util.TreeMap;

/** Serves {@link WhoamiService} from the call's context. */
public final class WhoamiServiceImpl {
  /**
   * Reports the caller.
   *
   * @param ctx the call
   * @return the JSON report
   */
  public String whoami(CallContext ctx) {
    Map<String, Object> report = new TreeMap<>();
    report.put("authenticated", ctx.authenticated());
    report.put("claims", new TreeMap<>(ctx.claims()));
    report.put("domain", ctx.authDomain());
    report.put("principal", ctx.principal().orElse(""));
    return Json.writeCompact(report);
  }
}
