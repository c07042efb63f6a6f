package dev.arrowrpc.codegen.processor;

import com.sun.source.tree.AnnotatedTypeTree;
import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParameterizedTypeTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.arrowrpc.core.Wire;
import dev.arrowrpc.core.schema.WireOverride;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * The {@code @Wire} and {@code @Nullable} type annotations of declarations being compiled, read
 * from their source when the compiler's type model does not carry them (javac before 22 does not
 * attach type annotations in signatures to the element's type before attribution, which comes
 * after annotation processing). Each annotation found in the source is attached to the type
 * mirror it annotates (a declaration's type, a type argument, an array's component); a compiler
 * without the tree API, or a declaration from a class file, has none.
 */
final class SourceAnnotations {
  private static final String CORE = "dev.arrowrpc.core";

  private final Optional<Trees> trees;
  private final Map<TypeMirror, List<AnnotationTree>> attached = new IdentityHashMap<>();
  private final Map<TypeMirror, CompilationUnitTree> units = new IdentityHashMap<>();

  SourceAnnotations(ProcessingEnvironment environment) {
    Optional<Trees> found;
    try {
      found = Optional.of(Trees.instance(environment));
    } catch (IllegalArgumentException | LinkageError e) {
      found = Optional.empty();
    }
    this.trees = found;
  }

  /** Reads the annotations written on a parameter's or record component's type. */
  void declaration(Element variable, TypeMirror type) {
    if (trees.isEmpty()) {
      return;
    }
    Element declared = variable;
    if (variable.getKind() == ElementKind.RECORD_COMPONENT) {
      declared = ElementFilter.fieldsIn(variable.getEnclosingElement().getEnclosedElements()).stream()
          .filter(field -> field.getSimpleName().contentEquals(variable.getSimpleName()))
          .map(field -> (Element) field)
          .findFirst()
          .orElse(variable);
    }
    TreePath path = path(declared);
    if (path != null && path.getLeaf() instanceof VariableTree tree) {
      attach(type, tree.getModifiers().getAnnotations(), path.getCompilationUnit());
      walk(tree.getType(), type, path.getCompilationUnit());
    }
  }

  /** Reads the annotations written on a method's return type. */
  void result(ExecutableElement method) {
    if (trees.isEmpty()) {
      return;
    }
    TreePath path = path(method);
    if (path != null && path.getLeaf() instanceof MethodTree tree && tree.getReturnType() != null) {
      attach(method.getReturnType(), tree.getModifiers().getAnnotations(), path.getCompilationUnit());
      walk(tree.getReturnType(), method.getReturnType(), path.getCompilationUnit());
    }
  }

  private TreePath path(Element element) {
    try {
      return trees.get().getPath(element);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Follows the type's tree and its mirror together, attaching each annotated type's annotations. */
  private void walk(Tree tree, TypeMirror type, CompilationUnitTree unit) {
    if (tree instanceof AnnotatedTypeTree annotated) {
      attach(type, annotated.getAnnotations(), unit);
      walk(annotated.getUnderlyingType(), type, unit);
    } else if (tree instanceof ParameterizedTypeTree parameterized && type instanceof DeclaredType declared) {
      List<? extends Tree> arguments = parameterized.getTypeArguments();
      List<? extends TypeMirror> mirrors = declared.getTypeArguments();
      for (int i = 0; i < Math.min(arguments.size(), mirrors.size()); i++) {
        walk(arguments.get(i), mirrors.get(i), unit);
      }
    } else if (tree instanceof ArrayTypeTree array && type instanceof ArrayType arrayType) {
      walk(array.getType(), arrayType.getComponentType(), unit);
    }
  }

  private void attach(TypeMirror type, List<? extends AnnotationTree> annotations, CompilationUnitTree unit) {
    if (!annotations.isEmpty()) {
      attached.computeIfAbsent(type, t -> new ArrayList<>()).addAll(annotations);
      units.put(type, unit);
    }
  }

  /** {@return whether {@code @Nullable} is written on the type} */
  boolean nullable(TypeMirror type) {
    return find(type, "Nullable").isPresent();
  }

  /**
   * The {@code declared} attribute of the {@code @Nullable} written on the type.
   *
   * @return its value ({@code true} when not written), empty when it is not a literal
   */
  Optional<Boolean> nullableDeclared(TypeMirror type) {
    Optional<AnnotationTree> nullable = find(type, "Nullable");
    if (nullable.isEmpty()) {
      return Optional.of(true);
    }
    for (ExpressionTree argument : nullable.get().getArguments()) {
      if (argument instanceof AssignmentTree assignment
          && assignment.getVariable().toString().equals("declared")) {
        return assignment.getExpression() instanceof LiteralTree literal
            && literal.getValue() instanceof Boolean value ? Optional.of(value) : Optional.empty();
      }
    }
    return Optional.of(true);
  }

  /**
   * Whether the type annotations in a declaration's signature can be read: from its source through
   * the tree API, or by a compiler (JDK 22 and later) that reads them from class files too.
   *
   * @param declaration a method or a record
   * @return whether they can
   */
  boolean annotationsReadable(Element declaration) {
    return Runtime.version().feature() >= 22 || (trees.isPresent() && path(declaration) != null);
  }

  /**
   * The {@code @Wire} written on the type, if any.
   *
   * @return the override, and whether its numeric attributes could be read (they are not when
   *     written as constants rather than literals)
   */
  Optional<Written> wire(TypeMirror type) {
    return find(type, "Wire").flatMap(SourceAnnotations::wire);
  }

  /**
   * A {@code @Wire} as written.
   *
   * @param override the override
   * @param attributesKnown whether precision, scale and byte width were literals (or defaults)
   */
  record Written(WireOverride override, boolean attributesKnown) {}

  private static Optional<Written> wire(AnnotationTree annotation) {
    Optional<Wire.Type> type = Optional.empty();
    OptionalInt precision = OptionalInt.of(38);
    OptionalInt scale = OptionalInt.of(18);
    OptionalInt byteWidth = OptionalInt.of(0);
    for (ExpressionTree argument : annotation.getArguments()) {
      String name = "value";
      ExpressionTree value = argument;
      if (argument instanceof AssignmentTree assignment) {
        name = assignment.getVariable().toString();
        value = assignment.getExpression();
      }
      switch (name) {
        case "value" -> type = constant(value);
        case "precision" -> precision = integer(value);
        case "scale" -> scale = integer(value);
        case "byteWidth" -> byteWidth = integer(value);
        default -> {
          // not an attribute of @Wire: javac reports it
        }
      }
    }
    if (type.isEmpty()) {
      return Optional.empty();
    }
    boolean known = precision.isPresent() && scale.isPresent() && byteWidth.isPresent();
    return Optional.of(new Written(new WireOverride(type.get(), precision.orElse(38), scale.orElse(18),
        byteWidth.orElse(1)), known));
  }

  private static Optional<Wire.Type> constant(ExpressionTree value) {
    String text = value.toString();
    String last = text.substring(text.lastIndexOf('.') + 1).trim();
    try {
      return Optional.of(Wire.Type.valueOf(last));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static OptionalInt integer(ExpressionTree value) {
    if (value instanceof LiteralTree literal && literal.getValue() instanceof Integer number) {
      return OptionalInt.of(number);
    }
    if (value instanceof UnaryTree unary && unary.getKind() == Tree.Kind.UNARY_MINUS
        && unary.getExpression() instanceof LiteralTree literal && literal.getValue() instanceof Integer number) {
      return OptionalInt.of(-number);
    }
    return OptionalInt.empty();
  }

  /** The annotation of rpc-core's type with this simple name written on the type, if any. */
  private Optional<AnnotationTree> find(TypeMirror type, String simpleName) {
    List<AnnotationTree> annotations = attached.getOrDefault(type, List.of());
    CompilationUnitTree unit = units.get(type);
    return annotations.stream().filter(a -> names(a.getAnnotationType().toString(), simpleName, unit)).findFirst();
  }

  /** Whether an annotation's name as written resolves to {@code dev.arrowrpc.core.<simpleName>}. */
  private static boolean names(String written, String simpleName, CompilationUnitTree unit) {
    String qualified = CORE + "." + simpleName;
    if (written.contains(".")) {
      return written.equals(qualified);
    }
    if (!written.equals(simpleName)) {
      return false;
    }
    if (unit.getPackageName() != null && unit.getPackageName().toString().equals(CORE)) {
      return true;
    }
    for (ImportTree imported : unit.getImports()) {
      String name = imported.getQualifiedIdentifier().toString();
      if (!imported.isStatic() && (name.equals(qualified) || name.equals(CORE + ".*"))) {
        return true;
      }
    }
    return false;
  }
}
