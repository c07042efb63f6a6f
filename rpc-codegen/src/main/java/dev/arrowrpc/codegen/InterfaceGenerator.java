package dev.arrowrpc.codegen;

import dev.arrowrpc.core.Wire;
import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.schema.TypeCatalog;
import dev.arrowrpc.core.schema.WireOverride;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import javax.lang.model.SourceVersion;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes the Java {@code @RpcService} interface of a protocol from its description (what {@code
 * RpcClient.describe(protocol)} returns), reading Arrow types back to Java types through the same
 * {@link TypeCatalog} that maps Java types forward ({@link TypeCatalog#javaTypesFor(Field)}), so the
 * generated interface, served, describes to the same protocol hash.
 *
 * <p>What a description carries decides what can be generated:
 *
 * <ul>
 *   <li>unary methods get their parameters and result, {@code void} when there is none;
 *   <li>stream methods return {@link dev.arrowrpc.core.BatchStream}, declared a producer or an
 *       exchange with {@code @StreamKind} when the description says which: a description holds a
 *       stream's parameters and header but not its row schemas, so rows cannot become records;
 *   <li>a stream header becomes a nested record named by {@code @StreamHeader};
 *   <li>struct columns become nested records, one per distinct structure, named after where they
 *       first appear;
 *   <li>a nullable field is {@code @Nullable} (boxed when primitive), a type whose catalog spelling
 *       needs it carries its {@code @Wire} override;
 *   <li>a dictionary-encoded string is a {@code @Wire(DICTIONARY_UTF8) String}: the description does
 *       not list an enum's constants, so an enum cannot be written;
 *   <li>a record travelling as a parameter or result is a binary cell on the wire, indistinguishable
 *       from {@code byte[]}, which is what it becomes.
 * </ul>
 *
 * <p>Anything the catalog has no Java type for, and any name that is not a Java identifier, is an
 * {@link UnmappableSchemaException} naming the protocol, the method and the field. Output is
 * deterministic: the same description always gives the same text.
 */
public final class InterfaceGenerator {
  private static final TypeCatalog CATALOG = TypeCatalog.standard();
  private static final String INDENT = "  ";

  /**
   * Simple names a nested record must not take: the types a generated interface refers to, which a
   * record of the same name would shadow.
   */
  private static final Set<String> RESERVED = reserved();

  private InterfaceGenerator() {}

  private static Set<String> reserved() {
    Set<String> names = new TreeSet<>(Set.of("RpcService", "BatchStream", "Nullable", "StreamKind",
        "StreamHeader", "Wire", "List", "Map", "Deprecated", "Object", "Record", "String"));
    for (TypeCatalog.Entry entry : CATALOG.entries()) {
      entry.classes().forEach(type -> names.add(type.getSimpleName()));
    }
    return Set.copyOf(names);
  }

  /** The name of one item of a plural: {@code Points} to {@code Point}; other names get {@code Item}. */
  static String singular(String name) {
    return name.length() > 3 && name.endsWith("s") && !name.endsWith("ss")
        ? name.substring(0, name.length() - 1)
        : name + "Item";
  }

  /**
   * Generates the interface of a protocol, named after the protocol ({@code my_service.v1} becomes
   * {@code MyServiceV1}).
   *
   * @param description the protocol's description
   * @param packageName the package of the generated interface ({@code ""} for none)
   * @return the source
   * @throws UnmappableSchemaException when a method cannot be declared in Java
   * @throws IllegalArgumentException when the package name is not a Java package name
   */
  public static GeneratedInterface generate(ServiceDescription description, String packageName) {
    return generate(description, packageName, typeName(description.protocol()));
  }

  /**
   * Generates the interface of a protocol under a given name.
   *
   * @param description the protocol's description
   * @param packageName the package of the generated interface ({@code ""} for none)
   * @param simpleName the interface's simple name
   * @return the source
   * @throws UnmappableSchemaException when a method cannot be declared in Java
   * @throws IllegalArgumentException when a name is not a Java name
   */
  public static GeneratedInterface generate(
      ServiceDescription description, String packageName, String simpleName) {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(packageName, "packageName");
    Objects.requireNonNull(simpleName, "simpleName");
    if (!packageName.isEmpty() && !SourceVersion.isName(packageName, SourceVersion.RELEASE_17)) {
      throw new IllegalArgumentException("not a Java package name: " + packageName);
    }
    if (!isIdentifier(simpleName)) {
      throw new IllegalArgumentException("not a Java type name: " + simpleName);
    }
    String source = new Writer(description, packageName, simpleName).write();
    return new GeneratedInterface(packageName, simpleName, source);
  }

  /**
   * The interface name a protocol gets by default: its words in upper camel case.
   *
   * @param protocol the protocol's wire name
   * @return the name
   * @throws UnmappableSchemaException when no identifier can be made of it
   */
  public static String typeName(String protocol) {
    String name = upperCamel(protocol);
    if (name.isEmpty() || !isIdentifier(name)) {
      throw new UnmappableSchemaException(protocol, "", "",
          "no Java type name can be made of the protocol name; pass one");
    }
    return name;
  }

  /** {@code snake_case.v1} and {@code camelCase} alike to {@code SnakeCaseV1}, {@code CamelCase}. */
  static String upperCamel(String text) {
    StringBuilder out = new StringBuilder();
    boolean upper = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        if (out.length() == 0 && Character.isDigit(c)) {
          out.append('_');
        }
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      } else {
        upper = true;
      }
    }
    return out.toString();
  }

  private static boolean isIdentifier(String name) {
    return SourceVersion.isIdentifier(name) && !SourceVersion.isKeyword(name, SourceVersion.RELEASE_17);
  }

  /** Text safe inside a Javadoc comment. */
  private static String doc(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("@", "&#64;")
        .replace("*/", "*&#47;").replace("\r", "").replace("\n", " ");
  }

  private static String literal(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** One record to declare inside the interface. */
  private record RecordDecl(String name, String doc, List<String> names, List<String> components) {}

  /** The state of writing one interface: imports and records gathered while the methods are written. */
  private static final class Writer {
    private final ServiceDescription description;
    private final String packageName;
    private final String simpleName;
    private final Set<String> imports = new TreeSet<>();
    /** Records by structure (their fields), so one structure is one record. */
    private final Map<List<Field>, String> structures = new LinkedHashMap<>();
    private final Map<String, RecordDecl> records = new TreeMap<>();
    private String method = "";

    Writer(ServiceDescription description, String packageName, String simpleName) {
      this.description = description;
      this.packageName = packageName;
      this.simpleName = simpleName;
    }

    String write() {
      imports.add("dev.arrowrpc.core.RpcService");
      List<String> methods = new ArrayList<>();
      for (MethodInfo info : description.methods()) {
        method = info.name();
        methods.add(method(info));
      }
      method = "";
      StringBuilder out = new StringBuilder();
      out.append("// Generated by arrow-rpc rpc-codegen from the description of protocol ")
          .append(description.protocol().replace('\n', ' ')).append(". Do not edit.\n");
      out.append("// Protocol hash: ").append(description.protocolHash()).append('\n');
      if (!packageName.isEmpty()) {
        out.append("package ").append(packageName).append(";\n");
      }
      out.append('\n');
      for (String name : imports) {
        if (!samePackage(name)) {
          out.append("import ").append(name).append(";\n");
        }
      }
      out.append('\n');
      out.append("/**\n");
      out.append(" * The {@code ").append(doc(description.protocol())).append("} protocol");
      out.append(description.protocolVersion().isEmpty()
          ? ", unversioned" : ", version " + doc(description.protocolVersion()));
      out.append(", as its server describes it.\n");
      out.append(" *\n * <p>Protocol hash {@value #PROTOCOL_HASH}.\n");
      if (description.deprecated()) {
        out.append(" *\n * @deprecated ").append(deprecation(description.deprecationMessage())).append('\n');
      }
      out.append(" */\n");
      if (description.deprecated()) {
        out.append("@Deprecated\n");
      }
      out.append("@RpcService(name = ").append(literal(description.protocol()));
      if (!description.protocolVersion().isEmpty()) {
        out.append(", version = ").append(literal(description.protocolVersion()));
      }
      out.append(")\n");
      out.append("public interface ").append(simpleName).append(" {\n");
      out.append(INDENT).append("/** The hash of the protocol's canonical description, as described. */\n");
      out.append(INDENT).append("String PROTOCOL_HASH = ").append(literal(description.protocolHash()))
          .append(";\n");
      for (String m : methods) {
        out.append('\n').append(m);
      }
      for (RecordDecl record : records.values()) {
        out.append('\n');
        out.append(INDENT).append("/**\n").append(INDENT).append(" * ").append(record.doc()).append('\n');
        if (!record.names().isEmpty()) {
          out.append(INDENT).append(" *\n");
        }
        for (String component : record.names()) {
          out.append(INDENT).append(" * @param ").append(component).append(" the {@code ").append(component)
              .append("} column\n");
        }
        out.append(INDENT).append(" */\n");
        out.append(INDENT).append("record ").append(record.name()).append('(');
        if (record.components().isEmpty()) {
          out.append(") {}\n");
        } else if (INDENT.length() + 8 + record.name().length() + String.join(", ", record.components()).length()
            + 5 <= 100) {
          out.append(String.join(", ", record.components())).append(") {}\n");
        } else {
          out.append('\n');
          for (int i = 0; i < record.components().size(); i++) {
            out.append(INDENT).append(INDENT).append(INDENT).append(record.components().get(i))
                .append(i + 1 < record.components().size() ? ",\n" : ") {}\n");
          }
        }
      }
      out.append("}\n");
      return out.toString();
    }

    private boolean samePackage(String qualified) {
      int dot = qualified.lastIndexOf('.');
      return qualified.substring(0, Math.max(dot, 0)).equals(packageName);
    }

    private static String deprecation(String message) {
      return message.isEmpty() ? "the server marks it deprecated" : doc(message);
    }

    private String method(MethodInfo info) {
      if (!isIdentifier(info.name())) {
        throw unmappable("", "the method name is not a Java identifier");
      }
      boolean unary = info.methodType().equals("unary");
      if (!unary && !info.methodType().equals("stream")) {
        throw unmappable("", "unknown method type " + info.methodType());
      }
      String base = upperCamel(info.name());
      List<String> parameters = new ArrayList<>();
      Schema params = schema("params", info::paramsSchema);
      for (Field field : params.getFields()) {
        String path = "params." + field.getName();
        name(field, path);
        parameters.add(type(field, path, upperCamel(field.getName()), false) + " " + field.getName());
      }
      List<String> annotations = new ArrayList<>();
      String returns;
      if (unary) {
        Optional<Schema> result = info.hasReturn() ? Optional.of(present("result", info::resultSchema)) : Optional.<Schema>empty();
        if (result.isEmpty()) {
          returns = "void";
        } else if (result.get().getFields().size() != 1) {
          throw unmappable("result", "a unary result has one column, this one has "
              + result.get().getFields().size());
        } else {
          returns = type(result.get().getFields().get(0), "result", base + "Result", false);
        }
      } else {
        imports.add("dev.arrowrpc.core.BatchStream");
        returns = "BatchStream";
        String kind = switch (info.streamKind()) {
          case "producer" -> "PRODUCER";
          case "exchange" -> "EXCHANGE";
          default -> "";
        };
        if (!kind.isEmpty()) {
          imports.add("dev.arrowrpc.core.StreamKind");
          annotations.add("@StreamKind(StreamKind.Kind." + kind + ")");
        }
        Optional<Schema> header = info.hasHeader() ? Optional.of(present("header", info::headerSchema)) : Optional.<Schema>empty();
        if (header.isPresent()) {
          imports.add("dev.arrowrpc.core.StreamHeader");
          String name = record(header.get().getFields(), "header", base + "Header",
              "The stream header of {@link " + simpleName + "#" + info.name() + "}.");
          annotations.add("@StreamHeader(" + name + ".class)");
        }
      }
      if (info.deprecated()) {
        annotations.add(0, "@Deprecated");
      }
      StringBuilder out = new StringBuilder();
      out.append(INDENT).append("/**\n");
      out.append(INDENT).append(" * ").append(summary(info)).append('\n');
      if (!info.idempotency().equals(MethodInfo.IDEMPOTENCY_UNKNOWN)) {
        out.append(INDENT).append(" *\n").append(INDENT).append(" * <p>Idempotency: {@code ")
            .append(doc(info.idempotency())).append("}.\n");
      }
      if (!params.getFields().isEmpty()) {
        out.append(INDENT).append(" *\n");
      }
      for (Field field : params.getFields()) {
        out.append(INDENT).append(" * @param ").append(field.getName()).append(" the {@code ")
            .append(doc(field.getName())).append("} column\n");
      }
      if (!returns.equals("void")) {
        out.append(INDENT).append(" * @return ").append(unary ? "the result" : "the stream").append('\n');
      }
      if (info.deprecated()) {
        out.append(INDENT).append(" * @deprecated ").append(deprecation(info.deprecationMessage())).append('\n');
      }
      out.append(INDENT).append(" */\n");
      for (String annotation : annotations) {
        out.append(INDENT).append(annotation).append('\n');
      }
      String head = INDENT + returns + " " + info.name() + "(";
      String oneLine = head + String.join(", ", parameters) + ");";
      if (oneLine.length() <= 100) {
        out.append(oneLine).append('\n');
      } else {
        out.append(head).append('\n');
        for (int i = 0; i < parameters.size(); i++) {
          out.append(INDENT).append(INDENT).append(INDENT).append(parameters.get(i))
              .append(i + 1 < parameters.size() ? ",\n" : ");\n");
        }
      }
      return out.toString();
    }

    private static String summary(MethodInfo info) {
      if (info.methodType().equals("unary")) {
        return "Calls the unary method {@code " + info.name() + "}.";
      }
      return switch (info.streamKind()) {
        case "producer" -> "Opens the producer stream {@code " + info.name() + "}: tick it for batches.";
        case "exchange" -> "Opens the exchange stream {@code " + info.name() + "}: one output batch per input batch.";
        default -> "Opens the stream {@code " + info.name() + "} (the server does not say whether it produces"
            + " or exchanges).";
      };
    }

    /** Reads one of the method's schemas, a malformed one being the method's error. */
    private Schema schema(String what, Supplier<Schema> reader) {
      try {
        return reader.get();
      } catch (IllegalArgumentException e) {
        throw unmappable(what, e.getMessage());
      }
    }

    /** Reads one of the method's optional schemas, which must be there. */
    private Schema present(String what, Supplier<Optional<Schema>> reader) {
      return schema(what, () -> reader.get().orElseThrow(
          () -> new IllegalArgumentException("the " + what + " schema is missing")));
    }

    private void name(Field field, String path) {
      if (!isIdentifier(field.getName())) {
        throw unmappable(path, "the name is not a Java identifier");
      }
    }

    /** Declares a record of these fields (or finds the one already declared) and returns its name. */
    private String record(List<Field> fields, String path, String suggested, String doc) {
      String known = structures.get(fields);
      if (known != null) {
        return known;
      }
      String name = suggested;
      for (int n = 2; records.containsKey(name) || name.equals(simpleName) || RESERVED.contains(name); n++) {
        name = suggested + n;
      }
      structures.put(fields, name);
      records.put(name, new RecordDecl(name, doc, List.of(), List.of()));
      List<String> names = new ArrayList<>();
      List<String> components = new ArrayList<>();
      for (Field field : fields) {
        names.add(field.getName());
        String at = path + "." + field.getName();
        name(field, at);
        components.add(type(field, at, upperCamel(field.getName()), false) + " " + field.getName());
      }
      records.put(name, new RecordDecl(name, doc, List.copyOf(names), List.copyOf(components)));
      return name;
    }

    /**
     * The Java type of a field, with its annotations: the first spelling the catalog gives that a
     * declaration can write.
     *
     * @param typeArgument whether the type is a collection's type argument (boxed, no nullability
     *     of its own: the catalog decides it)
     */
    private String type(Field field, String path, String recordName, boolean typeArgument) {
      for (TypeCatalog.Spelling spelling : CATALOG.javaTypesFor(field)) {
        Optional<String> written = spell(spelling, field, path, recordName, typeArgument);
        if (written.isPresent()) {
          String nullable = field.isNullable() && !typeArgument ? "@Nullable " : "";
          if (!nullable.isEmpty()) {
            imports.add("dev.arrowrpc.core.Nullable");
          }
          return nullable + spelling.wire().map(this::wire).orElse("") + written.get();
        }
      }
      throw unmappable(path, "the Arrow type " + arrowText(field) + " has no Java type in the type catalog");
    }

    private Optional<String> spell(
        TypeCatalog.Spelling spelling, Field field, String path, String recordName, boolean typeArgument) {
      TypeCatalog.Entry entry = spelling.entry();
      if (entry.matches(List.class)) {
        Field item = field.getChildren().get(0);
        if (!item.isNullable()) {
          throw unmappable(path, "a list's items are nullable in the type catalog (List<T>), these are not");
        }
        imports.add("java.util.List");
        return Optional.of("List<" + type(item, path + ".item", singular(recordName), true) + ">");
      }
      if (entry.matches(Map.class)) {
        if (((ArrowType.Map) field.getType()).getKeysSorted()) {
          throw unmappable(path, "a map with sorted keys has no Java type in the type catalog");
        }
        List<Field> kv = field.getChildren().get(0).getChildren();
        if (kv.get(0).isNullable() || !kv.get(1).isNullable()) {
          throw unmappable(path, "the type catalog's Map<K, V> has non-null keys and nullable values,"
              + " this map has " + (kv.get(0).isNullable() ? "nullable keys" : "non-null values"));
        }
        imports.add("java.util.Map");
        return Optional.of("Map<" + type(kv.get(0), path + ".key", recordName + "Key", true) + ", "
            + type(kv.get(1), path + ".value", recordName + "Value", true) + ">");
      }
      if (entry.matches(GeneratedInterface.class)) {
        // the record family: a struct is a nested record; a binary cell is written as byte[] instead
        if (field.getType() instanceof ArrowType.Struct) {
          return Optional.of(record(field.getChildren(), path, recordName,
              "The {@code " + doc(path) + "} struct of {@link " + simpleName + "#" + method + "}."));
        }
        return Optional.empty();
      }
      List<Class<?>> classes = entry.classes();
      if (classes.isEmpty()) {
        // enums (the description lists no constants), Optional (nullability is written as @Nullable)
        return Optional.empty();
      }
      Class<?> chosen = field.isNullable() || typeArgument ? classes.get(classes.size() - 1) : classes.get(0);
      if (!chosen.isPrimitive() && !chosen.isArray() && !chosen.getPackageName().equals("java.lang")) {
        imports.add(chosen.getName());
      }
      return Optional.of(chosen.getSimpleName());
    }

    private String wire(WireOverride wire) {
      imports.add("dev.arrowrpc.core.Wire");
      String type = "Wire.Type." + wire.type().name();
      if (wire.type() == Wire.Type.DECIMAL128) {
        return "@Wire(value = " + type + ", precision = " + wire.precision() + ", scale = " + wire.scale() + ") ";
      }
      if (wire.type() == Wire.Type.FIXED_SIZE_BINARY) {
        return "@Wire(value = " + type + ", byteWidth = " + wire.byteWidth() + ") ";
      }
      return "@Wire(" + type + ") ";
    }

    private static String arrowText(Field field) {
      return field.getDictionary() == null
          ? field.getType().toString()
          : "dictionary<values=" + field.getType() + ", indices=" + field.getDictionary().getIndexType() + ">";
    }

    private UnmappableSchemaException unmappable(String field, String problem) {
      return new UnmappableSchemaException(description.protocol(), method, field, problem);
    }
  }
}
