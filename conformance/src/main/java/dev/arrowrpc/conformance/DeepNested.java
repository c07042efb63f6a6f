package dev.arrowrpc.conformance;

import static dev.arrowrpc.core.Wire.Type.DECIMAL128;
import static dev.arrowrpc.core.Wire.Type.DICTIONARY_UTF8;

import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.Wire;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * Multi-level containers and dictionary-encoded strings.
 *
 * @param list_of_lists_decimal list of lists of decimal128(20, 4)
 * @param optional_list_date list of date32, declared non-nullable, may be null (reference quirk)
 * @param dict_encoded_string a dictionary&lt;int16, utf8&gt; string
 * @param list_of_dict_encoded list of dictionary&lt;int16, utf8&gt; strings
 */
public record DeepNested(
    List<List<@Wire(value = DECIMAL128, precision = 20, scale = 4) BigDecimal>> list_of_lists_decimal,
    @Nullable(declared = false) List<LocalDate> optional_list_date,
    @Wire(DICTIONARY_UTF8) String dict_encoded_string,
    List<@Wire(DICTIONARY_UTF8) String> list_of_dict_encoded) {}
