package dev.arrowrpc.conformance;

import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.Wire;
import java.util.List;
import java.util.Map;

/**
 * A stream header with a field of every ordinary type mapping, each derived from a seed (see
 * {@link RichHeaders#build(long)}). Same fields as {@link AllTypes}, except that {@code
 * nested_list} comes before the two annotated fields.
 *
 * @param str_field utf8
 * @param bytes_field binary
 * @param int_field int64
 * @param float_field float64
 * @param bool_field bool
 * @param list_of_int list of int64
 * @param list_of_str list of utf8
 * @param dict_field map of utf8 to int64
 * @param enum_field the enum, dictionary-encoded
 * @param nested_point a struct
 * @param optional_str nullable utf8
 * @param optional_int nullable int64
 * @param optional_nested nullable struct
 * @param list_of_nested list of structs
 * @param nested_list list of lists of int64
 * @param annotated_int32 int32
 * @param annotated_float32 float32
 * @param dict_str_str map of utf8 to utf8
 */
public record RichHeader(
    String str_field,
    byte[] bytes_field,
    long int_field,
    double float_field,
    boolean bool_field,
    List<Long> list_of_int,
    List<String> list_of_str,
    Map<String, Long> dict_field,
    Status enum_field,
    Point nested_point,
    @Nullable String optional_str,
    @Nullable Long optional_int,
    @Nullable Point optional_nested,
    List<Point> list_of_nested,
    List<List<Long>> nested_list,
    @Wire(Wire.Type.INT32) int annotated_int32,
    @Wire(Wire.Type.FLOAT32) float annotated_float32,
    Map<String, String> dict_str_str) {}
