package dev.arrowrpc.core.generated;

/**
 * A class with a generated class's name that is not one (it implements nothing), for the test that
 * the lookup refuses it loudly rather than reflecting silently.
 */
public final class GeneratedPathTest_Misnamed_ArrowRpcInvoker {
  /** Creates it. */
  public GeneratedPathTest_Misnamed_ArrowRpcInvoker() {}
}
