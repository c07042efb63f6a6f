package dev.arrowrpc.codegen.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The command line's JSON: one mapper, compact or indented text. */
final class Json {
  /** The mapper. */
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /**
   * Compact JSON text.
   *
   * @param value a tree or plain Java values
   * @return the text
   */
  static String text(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not serializable as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Indented JSON text.
   *
   * @param value a tree
   * @return the text
   */
  static String pretty(JsonNode value) {
    try {
      return PRETTY.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not serializable as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Parses JSON text.
   *
   * @param text the text
   * @param what what it is, for the error
   * @return the tree
   * @throws UsageException when it is not JSON
   */
  static JsonNode parse(String text, String what) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null) {
        throw new UsageException(what + " is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new UsageException(what + " is not JSON: " + e.getOriginalMessage());
    }
  }
}
