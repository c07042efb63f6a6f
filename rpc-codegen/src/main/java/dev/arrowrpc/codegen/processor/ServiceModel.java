package dev.arrowrpc.codegen.processor;

import dev.arrowrpc.core.generated.GeneratedService.SchemaRole;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What the processor found in one {@code @RpcService} interface that passed every check: what the
 * generated descriptor and invoker state.
 *
 * @param type the interface
 * @param protocol the protocol name
 * @param version the declared semver, if any
 * @param methods the remote methods, sorted by name
 */
record ServiceModel(TypeElement type, String protocol, Optional<String> version, List<MethodModel> methods) {

  /**
   * One remote method.
   *
   * @param name the wire name
   * @param parameterNames the parameter names, in order
   * @param parameterTypes the erased parameter types as {@link Class#getTypeName()} spells them
   * @param element the method as declared (on the interface or one it extends)
   * @param unary whether it is a unary method (not a {@code Producer}, {@code Exchange} or {@code
   *     BatchStream})
   * @param schemas the schemas derived, by role, when they could be derived exactly
   */
  record MethodModel(String name, List<String> parameterNames, List<String> parameterTypes,
      ExecutableElement element, boolean unary, Optional<Map<SchemaRole, Schema>> schemas) {}
}
