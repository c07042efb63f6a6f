package dev.arrowrpc.core.server;

import java.util.List;
import java.util.StringJoiner;

/**
 * Python's {@code repr} of strings and lists of strings, for error messages that must read as the
 * reference's do.
 */
final class PythonRepr {
  private PythonRepr() {}

  /** {@code repr(text)}: single quotes unless the text has a single quote and no double quote. */
  static String string(String text) {
    char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder out = new StringBuilder().append(quote);
    text.codePoints().forEach(c -> {
      if (c == quote || c == '\\') {
        out.append('\\').appendCodePoint(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", c));
      } else if (c >= 0x80 && (Character.isISOControl(c) || Character.getType(c) == Character.UNASSIGNED
          || Character.getType(c) == Character.SURROGATE || Character.isSpaceChar(c) && c != ' ')) {
        out.append(c <= 0xff ? String.format("\\x%02x", c) : c <= 0xffff ? String.format("\\u%04x", c)
            : String.format("\\U%08x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.append(quote).toString();
  }

  /** {@code repr(list_of_strings)}. */
  static String strings(List<String> items) {
    StringJoiner out = new StringJoiner(", ", "[", "]");
    items.forEach(item -> out.add(string(item)));
    return out.toString();
  }
}
