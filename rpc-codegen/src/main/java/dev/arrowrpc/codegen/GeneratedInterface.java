package dev.arrowrpc.codegen;

import java.util.Objects;

/**
 * One generated Java source file: an {@code @RpcService} interface with its records nested inside.
 *
 * @param packageName the package ({@code ""} for the unnamed package)
 * @param simpleName the interface's simple name
 * @param source the complete compilation unit
 */
public record GeneratedInterface(String packageName, String simpleName, String source) {

  /**
   * Checks for nulls.
   *
   * @param packageName the package ({@code ""} for the unnamed package)
   * @param simpleName the interface's simple name
   * @param source the complete compilation unit
   */
  public GeneratedInterface {
    Objects.requireNonNull(packageName, "packageName");
    Objects.requireNonNull(simpleName, "simpleName");
    Objects.requireNonNull(source, "source");
  }

  /** {@return the interface's binary name, {@code package.SimpleName}} */
  public String qualifiedName() {
    return packageName.isEmpty() ? simpleName : packageName + "." + simpleName;
  }

  /** {@return the file's path below a source root, {@code dev/example/Calculator.java}} */
  public String relativePath() {
    return qualifiedName().replace('.', '/') + ".java";
  }
}
