package dev.arrowrpc.core;

import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What a request batch looked like, without any of its values: its parameters' names and Arrow
 * types (as pyarrow prints them) in schema order, and its row count. Access records carry this
 * instead of the request, since the framework cannot know which parameters are secret.
 *
 * @param params one entry per parameter, in schema order
 * @param rows the batch's row count: 1, or 0 for a call without parameters
 */
public record RequestShape(List<Param> params, int rows) {

  /**
   * One parameter.
   *
   * @param name the field name
   * @param type the Arrow type as text, for example {@code int64} or {@code list<item: string>}
   */
  public record Param(String name, String type) {
    /**
     * Checks both parts are present.
     *
     * @param name the field name
     * @param type the Arrow type as text, for example {@code int64} or {@code list<item: string>}
     */
    public Param {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }
  }

  /**
   * Copies the parameters and checks the row count.
   *
   * @param params one entry per parameter, in schema order
   * @param rows the batch's row count: 1, or 0 for a call without parameters
   */
  public RequestShape {
    params = List.copyOf(params);
    if (rows < 0) {
      throw new IllegalArgumentException("rows must not be negative: " + rows);
    }
  }

  /**
   * Describes a request batch.
   *
   * @param schema the batch's schema
   * @param rows the batch's row count
   * @return its shape
   */
  public static RequestShape of(Schema schema, int rows) {
    return new RequestShape(
        schema.getFields().stream().map(f -> new Param(f.getName(), ArrowTypeText.of(f))).toList(), rows);
  }
}
