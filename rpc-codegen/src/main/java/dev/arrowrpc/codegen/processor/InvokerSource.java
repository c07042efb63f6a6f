package dev.arrowrpc.codegen.processor;

import dev.arrowrpc.core.generated.GeneratedInvoker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * The Java source of one service's generated invoker, {@code <Interface>_ArrowRpcInvoker}, in the
 * shape {@link GeneratedInvoker}'s documentation gives: per method a constant that reads the
 * parameters from the request row with the runtime's typed accessors and calls the implementation
 * directly (a stream method's call returns the stream it opens), writes the proxy's arguments into
 * the request row, and reads a unary answer's result; and the interface's client, a nested class
 * whose methods hand their arguments to the runtime by position ({@link GeneratedInvoker#client}).
 *
 * <p>A method is left to reflection ({@code method} answers empty) when one of its parameters or its
 * unary result holds Arrow data ({@code VectorSchemaRoot}, anywhere in the type), or when a type it
 * names cannot be referred to from the interface's package (a private nested type).
 * Types, {@code java.lang}'s too, are written fully qualified and without their annotations (so a
 * class of the service's package named like one of them cannot capture the name); a cast to a
 * parameterized type carries {@code @SuppressWarnings("unchecked")} on its own local variable, so
 * the source compiles without warnings under {@code -Xlint:all}. A parameter's local variable takes
 * the parameter's name, with {@code _} appended when it would hide a package the casts name.
 */
final class InvokerSource {
  private static final String ARROW_DATA = "org.apache.arrow.vector.VectorSchemaRoot";
  private static final String INVOKER = GeneratedInvoker.class.getCanonicalName();
  private static final Set<TypeKind> TYPED = Set.of(TypeKind.LONG, TypeKind.INT, TypeKind.SHORT, TypeKind.BYTE,
      TypeKind.DOUBLE, TypeKind.FLOAT, TypeKind.BOOLEAN);

  private final ServiceModel service;
  private final Elements elements;
  private final String packageName;
  private final String simpleName;
  private final String serviceType;
  private boolean deprecated;

  InvokerSource(ServiceModel service, Elements elements) {
    this.service = service;
    this.elements = elements;
    this.packageName = elements.getPackageOf(service.type()).getQualifiedName().toString();
    this.simpleName = simpleName(service.type());
    this.serviceType = service.type().getQualifiedName().toString();
  }

  /** {@return the invoker's simple name: the enclosing names joined by {@code _}, then the suffix} */
  static String simpleName(TypeElement type) {
    StringBuilder name = new StringBuilder(type.getSimpleName());
    for (Element outer = type.getEnclosingElement(); outer instanceof TypeElement t; outer = t.getEnclosingElement()) {
      name.insert(0, t.getSimpleName() + "_");
    }
    return name + GeneratedInvoker.SUFFIX;
  }

  /** {@return the invoker's qualified name, as {@link GeneratedInvoker#className(Class)} computes it} */
  String qualifiedName() {
    return packageName.isEmpty() ? simpleName : packageName + "." + simpleName;
  }

  /**
   * Whether the interface can have an invoker: one with type parameters cannot be named without
   * raw types, so it is left to reflection.
   *
   * @return true when {@link #text} may be written
   */
  boolean applies() {
    return service.type().getTypeParameters().isEmpty();
  }

  /** {@return the source text} */
  String text() {
    deprecated = elements.isDeprecated(service.type());
    Map<String, String> constants = new LinkedHashMap<>();
    StringBuilder bodies = new StringBuilder();
    Set<String> taken = new HashSet<>(Set.of("SUFFIX"));
    for (ServiceModel.MethodModel method : service.methods()) {
      Optional<String> body = method(method);
      if (body.isPresent()) {
        String constant = constantName(method.name(), taken);
        constants.put(method.name(), constant);
        bodies.append("\n  /** {@code ").append(method.name()).append("}. */\n")
            .append("  private static final Method<").append(serviceType).append("> ").append(constant)
            .append(" = new Method<>() {\n")
            .append(body.get())
            .append("  };\n");
      }
    }
    Optional<String> client = client(); // before the header: it may meet deprecated types
    StringBuilder out = new StringBuilder();
    if (!packageName.isEmpty()) {
      out.append("package ").append(packageName).append(";\n\n");
    }
    out.append("// Generated by ").append(RpcServiceProcessor.class.getName()).append(" (rpc-codegen) from ")
        .append(serviceType).append(". Do not edit.\n\n")
        .append("/**\n")
        .append(" * Calls the methods of {@link ").append(serviceType).append("} with no reflection (a stream\n")
        .append(" * method's call opens its stream). Generated by rpc-codegen's annotation processor for the\n")
        .append(" * arrow-rpc runtime, which finds it by its name; methods whose parameters or unary result hold\n")
        .append(" * Arrow data are left to reflection.\n")
        .append(" */\n")
        .append("@javax.annotation.processing.Generated(value = ")
        .append(DescriptorSource.literal(RpcServiceProcessor.class.getName()))
        .append(", comments = ").append(DescriptorSource.literal("from " + serviceType)).append(")\n");
    if (deprecated) {
      out.append("@SuppressWarnings({\"deprecation\", \"removal\"})\n");
    }
    out.append("public final class ").append(simpleName).append(" implements ").append(INVOKER)
        .append("<").append(serviceType).append("> {\n")
        .append("  /** Creates the invoker; the runtime does, once per interface. */\n")
        .append("  public ").append(simpleName).append("() {}\n\n")
        .append("  @Override\n")
        .append("  public java.lang.Class<").append(serviceType).append("> service() {\n")
        .append("    return ").append(serviceType).append(".class;\n")
        .append("  }\n\n")
        .append("  @Override\n")
        .append("  public java.util.Optional<Method<").append(serviceType).append(">> method(java.lang.String name) {\n");
    if (constants.isEmpty()) {
      out.append("    return java.util.Optional.empty();\n");
    } else {
      out.append("    return switch (name) {\n");
      constants.forEach((name, constant) -> out.append("      case ").append(DescriptorSource.literal(name))
          .append(" -> java.util.Optional.of(").append(constant).append(");\n"));
      out.append("      default -> java.util.Optional.empty();\n")
          .append("    };\n");
    }
    out.append("  }\n");
    client.ifPresent(out::append);
    out.append(bodies)
        .append("}\n");
    return out.toString();
  }

  /** Names of {@link Object}'s methods: a remote method named like one leaves the client to a proxy. */
  private static final Set<String> OBJECT_METHODS = Set.of("toString", "hashCode", "equals", "getClass",
      "notify", "notifyAll", "wait", "finalize", "clone");

  /**
   * The client's source: {@code clientMethods}, {@code client} and the nested class implementing the
   * interface, each remote method handing its boxed arguments to the runtime by its position; empty
   * when a method's signature cannot be spelled from the invoker's package (a type variable, a
   * wildcard, an inaccessible type) or a remote method is named like one of {@link Object}'s.
   */
  private Optional<String> client() {
    StringBuilder methods = new StringBuilder();
    List<String> names = new ArrayList<>();
    for (ServiceModel.MethodModel model : service.methods()) {
      ExecutableElement method = model.element();
      if (OBJECT_METHODS.contains(model.name()) || !method.getTypeParameters().isEmpty()
          || !spellable(method.getReturnType()) || !method.getSimpleName().contentEquals(model.name())) {
        return Optional.empty();
      }
      List<? extends VariableElement> parameters = method.getParameters();
      List<String> declared = new ArrayList<>();
      List<String> passed = new ArrayList<>();
      for (int i = 0; i < parameters.size(); i++) {
        TypeMirror type = parameters.get(i).asType();
        if (!spellable(type)) {
          return Optional.empty();
        }
        String spelled = sourceName(type);
        if (i == parameters.size() - 1 && method.isVarArgs()) {
          spelled = spelled.substring(0, spelled.length() - 2) + "...";
        }
        declared.add(spelled + " arg$" + i);
        passed.add("arg$" + i);
      }
      deprecated |= elements.isDeprecated(method);
      TypeMirror returned = method.getReturnType();
      String call = "this.remote$.call(" + names.size() + ", "
          + (passed.isEmpty() ? "NO_ARGS" : "new java.lang.Object[] {" + String.join(", ", passed) + "}") + ")";
      names.add(model.name());
      methods.append("\n    @Override\n");
      String body;
      if (returned.getKind() == TypeKind.VOID) {
        body = "      " + call + ";\n";
      } else if (returned.getKind().isPrimitive()) {
        body = "      return (" + boxed(returned.getKind()) + ") " + call + ";\n";
      } else {
        String spelled = sourceName(returned);
        if (returned.getKind() == TypeKind.DECLARED && !((DeclaredType) returned).getTypeArguments().isEmpty()) {
          methods.append("    @SuppressWarnings(\"unchecked\")\n");
        }
        body = spelled.equals("java.lang.Object")
            ? "      return " + call + ";\n"
            : "      return (" + spelled + ") " + call + ";\n";
      }
      methods.append("    public ").append(returned.getKind() == TypeKind.VOID ? "void" : sourceName(returned))
          .append(' ').append(model.name()).append('(').append(String.join(", ", declared)).append(") {\n")
          .append(body)
          .append("    }\n");
    }
    return Optional.of("\n"
        + "  @Override\n"
        + "  public java.util.List<java.lang.String> clientMethods() {\n"
        + "    return CLIENT_METHODS;\n"
        + "  }\n\n"
        + "  @Override\n"
        + "  public java.util.Optional<" + serviceType + "> client(" + INVOKER + ".Remote remote) {\n"
        + "    return java.util.Optional.of(new Client(remote));\n"
        + "  }\n\n"
        + "  /** The remote methods' wire names, at the positions the client passes. */\n"
        + "  private static final java.util.List<java.lang.String> CLIENT_METHODS = java.util.List.of("
        + names.stream().map(DescriptorSource::literal).collect(Collectors.joining(", ")) + ");\n\n"
        + "  /** The interface's client: each remote method calls through the runtime by its position. */\n"
        + "  private static final class Client implements " + serviceType + " {\n"
        + "    private static final java.lang.Object[] NO_ARGS = {};\n"
        + "    private final " + INVOKER + ".Remote remote$;\n\n"
        + "    Client(" + INVOKER + ".Remote remote) {\n"
        + "      this.remote$ = remote;\n"
        + "    }\n\n"
        + "    @Override\n"
        + "    public java.lang.String toString() {\n"
        + "      return this.remote$.toString();\n"
        + "    }\n"
        + methods
        + "  }\n");
  }

  /** Whether a type can be written in the client's source: primitives, arrays and accessible declared types. */
  private boolean spellable(TypeMirror type) {
    return switch (type.getKind()) {
      case VOID, BOOLEAN, BYTE, SHORT, INT, LONG, CHAR, FLOAT, DOUBLE -> true;
      case ARRAY -> spellable(((ArrayType) type).getComponentType());
      case DECLARED -> accessible(type)
          && ((DeclaredType) type).getTypeArguments().stream().allMatch(this::spellable);
      default -> false;
    };
  }

  /** The body of one method's anonymous {@code Method}, or empty to leave it to reflection. */
  private Optional<String> method(ServiceModel.MethodModel model) {
    ExecutableElement method = model.element();
    TypeMirror returned = method.getReturnType();
    List<? extends VariableElement> parameters = method.getParameters();
    // a stream method's call returns the stream the implementation opens, whatever its rows hold
    if ((model.unary() && holdsArrowData(returned, new HashSet<>()))
        || !(returned.getKind() == TypeKind.VOID || accessible(returned))) {
      return Optional.empty();
    }
    Set<String> roots = new HashSet<>();
    for (VariableElement parameter : parameters) {
      if (holdsArrowData(parameter.asType(), new HashSet<>()) || !accessible(parameter.asType())) {
        return Optional.empty();
      }
      roots(parameter.asType(), roots);
    }
    deprecated |= elements.isDeprecated(method);
    // the locals take the parameters' names unless a name would hide a package the casts name, or
    // the row's or the lambda's
    Set<String> reserved = new HashSet<>(roots);
    reserved.add("row");
    reserved.add("target");
    List<String> locals = new ArrayList<>();
    for (VariableElement parameter : parameters) {
      String local = parameter.getSimpleName().toString();
      while (reserved.contains(local)) {
        local = local + "_";
      }
      reserved.add(local);
      locals.add(local);
    }
    StringBuilder body = new StringBuilder();
    body.append("    @Override\n")
        .append("    public Call<").append(serviceType).append("> read(ParameterRow row) {\n");
    for (int i = 0; i < parameters.size(); i++) {
      TypeMirror type = parameters.get(i).asType();
      String name = sourceName(type);
      if (TYPED.contains(type.getKind())) {
        body.append("      ").append(name).append(' ').append(locals.get(i)).append(" = row.get")
            .append(accessor(type.getKind())).append("(").append(i).append(");\n");
      } else {
        if (type.getKind() == TypeKind.DECLARED && !((DeclaredType) type).getTypeArguments().isEmpty()) {
          body.append("      @SuppressWarnings(\"unchecked\")\n");
        }
        body.append("      ").append(name).append(' ').append(locals.get(i)).append(" = (").append(name)
            .append(") row.get(").append(i).append(");\n");
      }
    }
    String call = "target." + method.getSimpleName() + "(" + String.join(", ", locals) + ")";
    if (returned.getKind() == TypeKind.VOID) {
      body.append("      return target -> {\n")
          .append("        ").append(call).append(";\n")
          .append("        return null;\n")
          .append("      };\n");
    } else {
      body.append("      return target -> ").append(call).append(";\n");
    }
    body.append("    }\n\n")
        .append("    @Override\n")
        .append("    public void write(java.lang.Object[] args, ParameterWriter row) {\n");
    for (int i = 0; i < parameters.size(); i++) {
      TypeKind kind = parameters.get(i).asType().getKind();
      if (TYPED.contains(kind)) {
        body.append("      row.set").append(accessor(kind)).append("(").append(i).append(", (")
            .append(boxed(kind)).append(") args[").append(i).append("]);\n");
      } else {
        body.append("      row.set(").append(i).append(", args[").append(i).append("]);\n");
      }
    }
    body.append("    }\n\n")
        .append("    @Override\n")
        .append("    public java.lang.Object readResult(ResultRow result) {\n");
    if (!model.unary()) {
      body.append("      throw new java.lang.UnsupportedOperationException(")
          .append(DescriptorSource.literal(model.name() + " is a stream method: it has no unary result"))
          .append(");\n");
    } else if (returned.getKind() == TypeKind.VOID) {
      body.append("      return null;\n");
    } else if (TYPED.contains(returned.getKind())) {
      body.append("      return result.get").append(accessor(returned.getKind())).append("(0);\n");
    } else {
      body.append("      return result.get(0);\n");
    }
    body.append("    }\n");
    return Optional.of(body.toString());
  }

  /** An upper-case constant name for a method, unique in the class. */
  private static String constantName(String method, Set<String> taken) {
    String base = method.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    String name = base;
    for (int n = 2; !taken.add(name); n++) {
      name = base + "_" + n;
    }
    return name;
  }

  /** The typed accessor's suffix for a primitive: {@code Long} for {@code getLong}/{@code setLong}. */
  private static String accessor(TypeKind kind) {
    String name = kind.name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /** The box of a primitive, as the proxy passes it. */
  private static String boxed(TypeKind kind) {
    return "java.lang." + switch (kind) {
      case INT -> "Integer";
      default -> accessor(kind);
    };
  }

  /**
   * The type as source spells it: fully qualified, with its type arguments, without annotations
   * (a wildcard or type variable never gets here: the checks refuse them).
   */
  private String sourceName(TypeMirror type) {
    return switch (type.getKind()) {
      case ARRAY -> sourceName(((ArrayType) type).getComponentType()) + "[]";
      case DECLARED -> {
        DeclaredType declared = (DeclaredType) type;
        TypeElement element = (TypeElement) declared.asElement();
        deprecated |= elements.isDeprecated(element);
        String raw = element.getQualifiedName().toString();
        yield declared.getTypeArguments().isEmpty()
            ? raw
            : raw + declared.getTypeArguments().stream().map(this::sourceName)
                .collect(Collectors.joining(", ", "<", ">"));
      }
      default -> type.getKind().name().toLowerCase(Locale.ROOT);
    };
  }

  /** The first names of the qualified names {@link #sourceName} writes for a type. */
  private static void roots(TypeMirror type, Set<String> roots) {
    if (type instanceof ArrayType array) {
      roots(array.getComponentType(), roots);
    } else if (type instanceof DeclaredType declared) {
      String name = ((TypeElement) declared.asElement()).getQualifiedName().toString();
      int dot = name.indexOf('.');
      roots.add(dot < 0 ? name : name.substring(0, dot));
      declared.getTypeArguments().forEach(argument -> roots(argument, roots));
    }
  }

  /** Whether a type holds Arrow data anywhere: itself, a type argument, a record's component. */
  private static boolean holdsArrowData(TypeMirror type, Set<String> seen) {
    if (type instanceof ArrayType array) {
      return holdsArrowData(array.getComponentType(), seen);
    }
    if (!(type instanceof DeclaredType declared)) {
      return false;
    }
    TypeElement element = (TypeElement) declared.asElement();
    String name = element.getQualifiedName().toString();
    if (name.equals(ARROW_DATA)) {
      return true;
    }
    for (TypeMirror argument : declared.getTypeArguments()) {
      if (holdsArrowData(argument, seen)) {
        return true;
      }
    }
    if (element.getKind() == ElementKind.RECORD && seen.add(name)) {
      for (RecordComponentElement component : element.getRecordComponents()) {
        if (holdsArrowData(component.asType(), seen)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether every class a type names can be referred to from the invoker's package. */
  private boolean accessible(TypeMirror type) {
    if (type instanceof ArrayType array) {
      return accessible(array.getComponentType());
    }
    if (type.getKind().isPrimitive()) {
      return true;
    }
    if (!(type instanceof DeclaredType declared)) {
      return false;
    }
    for (Element e = declared.asElement(); e instanceof TypeElement t; e = t.getEnclosingElement()) {
      Set<Modifier> modifiers = t.getModifiers();
      if (modifiers.contains(Modifier.PRIVATE)) {
        return false;
      }
      if (!modifiers.contains(Modifier.PUBLIC) && !inPackage(t)) {
        return false;
      }
    }
    for (TypeMirror argument : declared.getTypeArguments()) {
      if (!accessible(argument)) {
        return false;
      }
    }
    return true;
  }

  private boolean inPackage(TypeElement type) {
    PackageElement pkg = elements.getPackageOf(type);
    return pkg.getQualifiedName().contentEquals(packageName);
  }
}
