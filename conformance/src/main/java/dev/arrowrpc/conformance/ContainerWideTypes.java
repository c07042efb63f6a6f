package dev.arrowrpc.conformance;

import static dev.arrowrpc.core.Wire.Type.DECIMAL128;

import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.Wire;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Wide Arrow types inside containers. The three {@code optional_*} fields reproduce a quirk of the
 * reference: their schema declares them non-nullable, yet they carry nulls.
 *
 * @param list_decimal list of decimal128(20, 4)
 * @param list_date list of date32
 * @param list_timestamp list of timestamp[us]
 * @param optional_date date32, declared non-nullable, may be null
 * @param optional_decimal decimal128(20, 4), declared non-nullable, may be null
 * @param optional_timestamp timestamp[us], declared non-nullable, may be null
 * @param dict_str_decimal map of utf8 to decimal128(20, 4)
 * @param frozenset_int a set of int64, travelling as a list
 * @param list_optional_int list of int64 with null items
 */
public record ContainerWideTypes(
    List<@Wire(value = DECIMAL128, precision = 20, scale = 4) BigDecimal> list_decimal,
    List<LocalDate> list_date,
    List<LocalDateTime> list_timestamp,
    @Nullable(declared = false) LocalDate optional_date,
    @Nullable(declared = false) @Wire(value = DECIMAL128, precision = 20, scale = 4) BigDecimal optional_decimal,
    @Nullable(declared = false) LocalDateTime optional_timestamp,
    Map<String, @Wire(value = DECIMAL128, precision = 20, scale = 4) BigDecimal> dict_str_decimal,
    Set<Long> frozenset_int,
    List<@Nullable Long> list_optional_int) {}
