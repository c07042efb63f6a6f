package dev.arrowrpc.bench;

/** Finds out which optional modules are on the class path. */
final class Modules {
  private Modules() {}

  /** Whether a class can be loaded (without initializing it). */
  static boolean present(String className) {
    try {
      Class.forName(className, false, Modules.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
