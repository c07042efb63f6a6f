package dev.arrowrpc.transport.pipe;

/**
 * A stdio worker for any test service: {@code ServiceWorkerMain <interface> <implementation>}.
 * The implementation needs a public no-argument constructor. A memory leak at exit makes the exit
 * status non-zero.
 */
public final class ServiceWorkerMain {
  private ServiceWorkerMain() {}

  /**
   * Serves until stdin closes.
   *
   * @param args the interface's and the implementation's class names
   * @throws ReflectiveOperationException when a class cannot be loaded or instantiated
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void main(String[] args) throws ReflectiveOperationException {
    Class service = Class.forName(args[0]);
    Class<?> type = Class.forName(args[1]);
    var constructor = type.getDeclaredConstructor();
    constructor.setAccessible(true);
    Workers.serveStdio(service, constructor.newInstance());
  }
}
