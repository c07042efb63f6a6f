package dev.arrowrpc.codegen.processor;

import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.generated.GeneratedService.SchemaRole;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Checks one {@code @RpcService} interface as rpc-core's {@code ServiceSpec} and {@code MethodSpec}
 * check it when it is registered, reporting each refusal as a compiler error on the offending
 * element (the interface, the annotation's value, the method or the parameter), in the words the
 * runtime uses.
 */
final class ServiceCheck {
  private static final String RPC_SERVICE = "dev.arrowrpc.core.RpcService";
  private static final String STREAM_HEADER = "dev.arrowrpc.core.StreamHeader";
  private static final String STREAM_KIND = "dev.arrowrpc.core.StreamKind";
  private static final String CALL_CONTEXT = "dev.arrowrpc.core.CallContext";
  private static final String PRODUCER = "dev.arrowrpc.core.Producer";
  private static final String EXCHANGE = "dev.arrowrpc.core.Exchange";
  private static final String BATCH_STREAM = "dev.arrowrpc.core.BatchStream";

  private final Elements elements;
  private final Messager messager;
  private final SourceAnnotations source;
  private boolean failed;

  ServiceCheck(Elements elements, Messager messager, SourceAnnotations source) {
    this.elements = elements;
    this.messager = messager;
    this.source = source;
  }

  /**
   * Checks an annotated element.
   *
   * @param element the element carrying {@code @RpcService}
   * @return what to generate, when every check passed
   */
  Optional<ServiceModel> check(Element element) {
    if (element.getKind() != ElementKind.INTERFACE) {
      error(element, ((TypeElement) element).getQualifiedName()
          + " is not an interface: @RpcService marks a service interface");
      return Optional.empty();
    }
    TypeElement type = (TypeElement) element;
    RpcService annotation = type.getAnnotation(RpcService.class);
    AnnotationMirror mirror = mirror(type, RPC_SERVICE).orElseThrow();
    String protocol = annotation.name().isEmpty() ? type.getSimpleName().toString() : annotation.name();
    ServiceSpec.protocolNameProblem(protocol).ifPresent(problem -> error(type, mirror, value(mirror, "name"),
        problem + (annotation.name().isEmpty() ? " (the interface's simple name is the default; set"
            + " @RpcService(name = ...))" : "")));
    Optional<String> version = annotation.version().isEmpty() ? Optional.empty() : Optional.of(annotation.version());
    version.filter(v -> !ServiceSpec.isSemver(v)).ifPresent(v -> error(type, mirror, value(mirror, "version"),
        "version '" + v + "' is not canonical semver MAJOR.MINOR.PATCH"));
    List<ServiceModel.MethodModel> methods = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ExecutableElement method : remoteMethods(type)) {
      String name = method.getSimpleName().toString();
      if (name.startsWith("__")) {
        error(method, "names starting with __ are reserved");
        continue;
      }
      if (!names.add(name)) {
        error(method, "overloaded methods cannot share a wire name: '" + name
            + "' is already a method of protocol " + protocol + " (give one of them another name)");
        continue;
      }
      method(method).ifPresent(methods::add);
    }
    methods.sort(Comparator.comparing(ServiceModel.MethodModel::name));
    return failed ? Optional.empty() : Optional.of(new ServiceModel(type, protocol, version, List.copyOf(methods)));
  }

  /**
   * The interface's abstract methods, its own and inherited, in declaration order (its own first),
   * as {@link Class#getMethods()} finds the remote methods: not the static or default ones, not
   * {@link Object}'s.
   */
  private List<ExecutableElement> remoteMethods(TypeElement type) {
    List<ExecutableElement> methods = new ArrayList<>();
    for (ExecutableElement method : ElementFilter.methodsIn(elements.getAllMembers(type))) {
      Element owner = method.getEnclosingElement();
      if (method.getModifiers().contains(Modifier.ABSTRACT)
          && !(owner instanceof TypeElement t && t.getQualifiedName().contentEquals("java.lang.Object"))) {
        methods.add(method);
      }
    }
    methods.sort(Comparator.comparing((ExecutableElement m) -> m.getEnclosingElement() == type ? 0 : 1));
    return methods;
  }

  /** The schemas of one method as they are derived, and whether each was derived exactly. */
  private static final class Schemas {
    private final Map<SchemaRole, Schema> derived = new EnumMap<>(SchemaRole.class);
    private boolean exact;

    /** Starts exact when the method's declaration shows its type annotations. */
    Schemas(boolean readable) {
      this.exact = readable;
    }

    void add(SchemaRole role, List<Field> fields, TypeCheck check) {
      derived.put(role, new Schema(fields));
      exact &= check.exact();
    }

    Optional<Map<SchemaRole, Schema>> result() {
      return exact ? Optional.of(Map.copyOf(derived)) : Optional.empty();
    }
  }

  /** Checks one method as {@code MethodSpec} derives it. */
  private Optional<ServiceModel.MethodModel> method(ExecutableElement method) {
    boolean ok = true;
    Schemas schemas = new Schemas(source.annotationsReadable(method));
    List<Field> parameters = new ArrayList<>();
    TypeCheck check = new TypeCheck(elements, source);
    List<String> parameterNames = new ArrayList<>();
    List<String> parameterTypes = new ArrayList<>();
    for (VariableElement parameter : method.getParameters()) {
      parameterNames.add(parameter.getSimpleName().toString());
      parameterTypes.add(TypeCheck.erasedName(parameter.asType()));
      if (isType(parameter.asType(), CALL_CONTEXT)) {
        error(parameter, "CallContext belongs on the implementation's method, not the interface");
        ok = false;
        continue;
      }
      try {
        source.declaration(parameter, parameter.asType());
        parameters.add(check.column(
            parameter.getSimpleName().toString(), parameter.asType(), TypeCheck.Position.PARAMETER));
      } catch (TypeCheck.Refusal e) {
        error(parameter, e.getMessage());
        ok = false;
      }
    }
    schemas.add(SchemaRole.PARAMETERS, parameters, check);
    ok &= returnType(method, schemas);
    return ok
        ? Optional.of(new ServiceModel.MethodModel(method.getSimpleName().toString(),
            List.copyOf(parameterNames), List.copyOf(parameterTypes), method, !isStream(method.getReturnType()),
            schemas.result()))
        : Optional.empty();
  }

  /** Checks the result, or for a stream its row types, header and kind. */
  private boolean returnType(ExecutableElement method, Schemas schemas) {
    TypeMirror returned = method.getReturnType();
    Optional<AnnotationMirror> header = mirror(method, STREAM_HEADER);
    Optional<AnnotationMirror> kind = mirror(method, STREAM_KIND);
    boolean batchStream = isType(returned, BATCH_STREAM);
    boolean producer = isType(returned, PRODUCER);
    boolean exchange = isType(returned, EXCHANGE);
    boolean ok = true;
    if (kind.isPresent() && !batchStream) {
      error(method, kind.get(), null,
          "@StreamKind is only for BatchStream methods (Producer and Exchange state their kind)");
      ok = false;
    }
    if (header.isPresent() && !(batchStream || producer || exchange)) {
      error(method, header.get(), null, "@StreamHeader is only for Producer and Exchange methods");
      return false;
    }
    if (header.isPresent()) {
      ok &= header(method, header.get(), schemas);
    }
    if (batchStream) {
      return ok;
    }
    if (producer || exchange) {
      List<? extends TypeMirror> arguments = ((DeclaredType) returned).getTypeArguments();
      if (arguments.isEmpty()) {
        error(method, "raw " + (producer ? "Producer" : "Exchange") + ": give its row types");
        return false;
      }
      ok &= rows(method, producer ? arguments.get(0) : arguments.get(1), "output", SchemaRole.OUTPUT, schemas);
      if (exchange) {
        ok &= rows(method, arguments.get(0), "input", SchemaRole.INPUT, schemas);
      }
      return ok;
    }
    TypeCheck check = new TypeCheck(elements, source);
    if (returned.getKind() == TypeKind.VOID) {
      schemas.add(SchemaRole.RESULT, List.of(), check);
      return ok;
    }
    try {
      source.result(method);
      schemas.add(SchemaRole.RESULT, List.of(check.column("result", returned, TypeCheck.Position.RESULT)), check);
    } catch (TypeCheck.Refusal e) {
      error(method, e.getMessage());
      ok = false;
    }
    return ok;
  }

  private boolean rows(ExecutableElement method, TypeMirror row, String role, SchemaRole schemaRole,
      Schemas schemas) {
    if (row.getKind() == TypeKind.ERROR) {
      return false;
    }
    if (row.getKind() != TypeKind.DECLARED
        || ((DeclaredType) row).asElement().getKind() != ElementKind.RECORD) {
      error(method, "the " + role + " row type must be a record whose components are the columns, got "
          + TypeCheck.typeName(row));
      return false;
    }
    try {
      TypeCheck check = new TypeCheck(elements, source);
      schemas.add(schemaRole, check.record((TypeElement) ((DeclaredType) row).asElement()), check);
      return true;
    } catch (TypeCheck.Refusal e) {
      error(method, e.getMessage());
      return false;
    }
  }

  private boolean header(ExecutableElement method, AnnotationMirror header, Schemas schemas) {
    AnnotationValue value = value(header, "value");
    if (value == null || !(value.getValue() instanceof TypeMirror type) || type.getKind() != TypeKind.DECLARED) {
      error(method, header, value, "@StreamHeader needs the header's record type, e.g. @StreamHeader(Totals.class)");
      return false;
    }
    TypeElement record = (TypeElement) ((DeclaredType) type).asElement();
    if (record.getKind() != ElementKind.RECORD) {
      error(method, header, value, "@StreamHeader needs a record type, got " + TypeCheck.typeName(type));
      return false;
    }
    try {
      TypeCheck check = new TypeCheck(elements, source);
      schemas.add(SchemaRole.HEADER, check.record(record), check);
      return true;
    } catch (TypeCheck.Refusal e) {
      error(method, header, value, e.getMessage());
      return false;
    }
  }

  private static boolean isStream(TypeMirror returned) {
    return isType(returned, BATCH_STREAM) || isType(returned, PRODUCER) || isType(returned, EXCHANGE);
  }

  private static boolean isType(TypeMirror type, String qualifiedName) {
    return type.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().contentEquals(qualifiedName);
  }

  private static Optional<AnnotationMirror> mirror(Element element, String annotation) {
    return element.getAnnotationMirrors().stream()
        .filter(m -> ((TypeElement) m.getAnnotationType().asElement()).getQualifiedName().contentEquals(annotation))
        .map(m -> (AnnotationMirror) m)
        .findFirst();
  }

  private static AnnotationValue value(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry
        : mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(name)) {
        return entry.getValue();
      }
    }
    return null;
  }

  private void error(Element element, String message) {
    failed = true;
    messager.printMessage(Diagnostic.Kind.ERROR, message, element);
  }

  private void error(Element element, AnnotationMirror mirror, AnnotationValue value, String message) {
    failed = true;
    if (value == null) {
      messager.printMessage(Diagnostic.Kind.ERROR, message, element, mirror);
    } else {
      messager.printMessage(Diagnostic.Kind.ERROR, message, element, mirror, value);
    }
  }
}
