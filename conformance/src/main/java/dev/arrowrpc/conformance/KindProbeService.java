package dev.arrowrpc.conformance;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.TransportKind;

/**
 * The probe the shared suite's transport-kind test calls ({@code TestTransportKindContext}): a
 * standalone, unversioned protocol whose one method answers with the kind of transport the call
 * arrived on. Its wire name is the class name of the suite's Python probe protocol, {@code
 * _KindProbe}. The worker hosts it only with {@code --kind-probe}, so the protocols it hosts by
 * default stay the reference worker's.
 */
@RpcService(name = KindProbeService.PROTOCOL_NAME)
public interface KindProbeService {
  /** The protocol's name, its routing key. */
  String PROTOCOL_NAME = "_KindProbe";

  /**
   * The call's transport kind: {@code pipe}, {@code unix}, {@code tcp} or {@code http}.
   *
   * @throws IllegalStateException when the transport did not say its kind
   */
  String report_transport_kind();

  /** Answers from the context of the call being served. */
  final class Impl implements KindProbeService {
    @Override
    public String report_transport_kind() {
      return CallContext.current()
          .flatMap(CallContext::transportKind)
          .map(TransportKind::label)
          .orElseThrow(() -> new IllegalStateException("the transport serving this call did not say its kind"));
    }
  }
}
