package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonFloatsTest {
  /** Expected texts are what CPython 3.13's str(float) prints for the same values. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2.0|2.0", "1.5|1.5", "0.1|0.1", "1e-05|1e-05", "0.0001|0.0001", "0.001|0.001",
      "1e16|1e+16", "1234567890123456.0|1234567890123456.0", "1.5e300|1.5e+300", "-0.0|-0.0",
      "5e-324|5e-324", "0.30000000000000004|0.30000000000000004", "123456789.0|123456789.0",
      "1e22|1e+22", "2.5e-5|2.5e-05", "-2.5|-2.5", "1e15|1000000000000000.0",
      "9999999999999998.0|9999999999999998.0", "100.0|100.0", "0.3333333333333333|0.3333333333333333",
      "5.684341886080802e-14|5.684341886080802e-14", "1.7976931348623157e308|1.7976931348623157e+308",
      "4.35|4.35", "Infinity|inf", "-Infinity|-inf", "NaN|nan"})
  void formatsLikePython(double value, String python) {
    assertEquals(python, PythonFloats.str(value));
  }
}
