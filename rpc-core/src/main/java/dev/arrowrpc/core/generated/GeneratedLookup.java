package dev.arrowrpc.core.generated;

import java.util.Optional;

/** Finds and caches, per interface, the generated class named by {@link GeneratedInvoker}'s rule. */
final class GeneratedLookup {
  private static final ClassValue<Optional<GeneratedInvoker<?>>> FOUND = new ClassValue<>() {
    @Override
    protected Optional<GeneratedInvoker<?>> computeValue(Class<?> service) {
      return load(service);
    }
  };

  private GeneratedLookup() {}

  @SuppressWarnings("unchecked")
  static <S> Optional<GeneratedInvoker<S>> find(Class<S> service) {
    return FOUND.get(service).map(found -> (GeneratedInvoker<S>) found);
  }

  private static Optional<GeneratedInvoker<?>> load(Class<?> service) {
    String name = GeneratedInvoker.className(service);
    Class<?> type;
    try {
      type = Class.forName(name, true, service.getClassLoader());
    } catch (ClassNotFoundException absent) {
      return Optional.empty();
    }
    if (!GeneratedInvoker.class.isAssignableFrom(type)) {
      throw new IllegalStateException(name + " does not implement " + GeneratedInvoker.class.getName());
    }
    GeneratedInvoker<?> invoker;
    try {
      invoker = (GeneratedInvoker<?>) type.getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(name + " needs a public no-argument constructor: " + e, e);
    }
    if (invoker.service() != service) {
      throw new IllegalStateException(name + " was generated for " + invoker.service().getName()
          + ", not " + service.getName());
    }
    return Optional.of(invoker);
  }
}
