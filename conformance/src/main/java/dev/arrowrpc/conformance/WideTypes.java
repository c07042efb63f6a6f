package dev.arrowrpc.conformance;

import static dev.arrowrpc.core.Wire.Type.DECIMAL128;
import static dev.arrowrpc.core.Wire.Type.FIXED_SIZE_BINARY;
import static dev.arrowrpc.core.Wire.Type.INT16;
import static dev.arrowrpc.core.Wire.Type.INT32;
import static dev.arrowrpc.core.Wire.Type.INT8;
import static dev.arrowrpc.core.Wire.Type.LARGE_BINARY;
import static dev.arrowrpc.core.Wire.Type.LARGE_UTF8;
import static dev.arrowrpc.core.Wire.Type.UINT16;
import static dev.arrowrpc.core.Wire.Type.UINT32;
import static dev.arrowrpc.core.Wire.Type.UINT64;
import static dev.arrowrpc.core.Wire.Type.UINT8;

import dev.arrowrpc.core.Wire;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;

/**
 * One value of every Arrow primitive width and temporal or decimal type (all non-nullable).
 *
 * @param int8_field int8
 * @param int16_field int16
 * @param int32_field int32
 * @param uint8_field uint8
 * @param uint16_field uint16
 * @param uint32_field uint32
 * @param uint64_field uint64 (values above {@code Long.MAX_VALUE} included)
 * @param float32_field float32
 * @param date_field date32
 * @param timestamp_field timestamp[us] without time zone
 * @param timestamp_utc_field timestamp[us, tz=UTC]
 * @param time_field time64[us]
 * @param duration_field duration[us]
 * @param decimal_field decimal128(20, 4)
 * @param large_string_field large_utf8
 * @param large_binary_field large_binary
 * @param fixed_binary_field fixed_size_binary(8)
 */
public record WideTypes(
    @Wire(INT8) byte int8_field,
    @Wire(INT16) short int16_field,
    @Wire(INT32) int int32_field,
    @Wire(UINT8) int uint8_field,
    @Wire(UINT16) int uint16_field,
    @Wire(UINT32) long uint32_field,
    @Wire(UINT64) BigInteger uint64_field,
    float float32_field,
    LocalDate date_field,
    LocalDateTime timestamp_field,
    Instant timestamp_utc_field,
    LocalTime time_field,
    Duration duration_field,
    @Wire(value = DECIMAL128, precision = 20, scale = 4) BigDecimal decimal_field,
    @Wire(LARGE_UTF8) String large_string_field,
    @Wire(LARGE_BINARY) byte[] large_binary_field,
    @Wire(value = FIXED_SIZE_BINARY, byteWidth = 8) byte[] fixed_binary_field) {}
