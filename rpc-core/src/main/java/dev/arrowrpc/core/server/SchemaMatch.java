package dev.arrowrpc.core.server;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Compares a received schema with a declared one and says what differs. */
final class SchemaMatch {
  private SchemaMatch() {}

  /**
   * Strict comparison for request parameters: field count, order, names, types (deeply) and
   * top-level nullability; metadata is ignored.
   *
   * @return null when they match, else a description of the first difference
   */
  static String describeMismatch(Schema declared, Schema received) {
    return compare(declared, received, true);
  }

  /** Like {@link #describeMismatch} but nullability may differ. */
  static String describeMismatchIgnoringNullability(Schema declared, Schema received) {
    return compare(declared, received, false);
  }

  private static String compare(Schema declared, Schema received, boolean checkNullability) {
    List<Field> want = declared.getFields();
    List<Field> got = received.getFields();
    if (want.size() != got.size()) {
      return "expected " + want.size() + " fields " + ServerConnection.names(declared) + ", got "
          + got.size() + " " + ServerConnection.names(received);
    }
    for (int i = 0; i < want.size(); i++) {
      Field w = want.get(i);
      Field g = got.get(i);
      if (!w.getName().equals(g.getName())) {
        return "field " + i + " is named '" + g.getName() + "', expected '" + w.getName() + "'";
      }
      if (!sameType(w, g)) {
        return "field '" + w.getName() + "' has type " + describe(g) + ", expected " + describe(w);
      }
      if (checkNullability && w.isNullable() != g.isNullable()) {
        return "field '" + w.getName() + "' is " + (g.isNullable() ? "nullable" : "non-nullable")
            + ", expected " + (w.isNullable() ? "nullable" : "non-nullable");
      }
    }
    return null;
  }

  /**
   * Lenient comparison for exchange input: the set of field names must match; order and types are
   * reconciled while decoding.
   *
   * @return null when the field sets match, else a description
   */
  static String describeFieldSetMismatch(Schema declared, Schema received) {
    Set<String> want = new HashSet<>(ServerConnection.names(declared));
    Set<String> got = new HashSet<>(ServerConnection.names(received));
    if (want.equals(got)) {
      return null;
    }
    return "expected fields " + ServerConnection.names(declared) + ", got "
        + ServerConnection.names(received);
  }

  /** Whether two fields have the same type, deeply (child names and nullability aside). */
  static boolean sameType(Field a, Field b) {
    if (!a.getType().equals(b.getType())) {
      return false;
    }
    boolean aDict = a.getDictionary() != null;
    boolean bDict = b.getDictionary() != null;
    if (aDict != bDict) {
      return false;
    }
    if (aDict && !a.getDictionary().getIndexType().equals(b.getDictionary().getIndexType())) {
      return false;
    }
    if (a.getChildren().size() != b.getChildren().size()) {
      return false;
    }
    for (int i = 0; i < a.getChildren().size(); i++) {
      if (!sameType(a.getChildren().get(i), b.getChildren().get(i))) {
        return false;
      }
    }
    return true;
  }

  private static String describe(Field field) {
    return field.getDictionary() == null
        ? field.getType().toString()
        : "dictionary<" + field.getDictionary().getIndexType() + ", " + field.getType() + ">";
  }
}
