package dev.arrowrpc.conformance;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Formats a double the way the reference's strings show floats ({@code str(float)} in Python):
 * the shortest decimal that reads back as the same double (the closest one when several have that
 * length), in plain notation when its decimal exponent is from -4 to 15 ({@code 2.0}, {@code
 * 0.0001}), else in scientific notation with a signed exponent of at least two digits ({@code
 * 1e-05}, {@code 1.5e+16}); {@code inf}, {@code -inf}, {@code nan}.
 *
 * <p>{@link Double#toString(double)} is not enough: before JDK 19 it sometimes prints more digits
 * than needed ({@code 4.9E-324} for Python's {@code 5e-324}).
 */
final class PythonFloats {
  private static final RoundingMode[] CANDIDATES = {RoundingMode.HALF_EVEN, RoundingMode.FLOOR, RoundingMode.CEILING};

  private PythonFloats() {}

  /**
   * Formats a value.
   *
   * @param value the value
   * @return its text as Python prints it
   */
  static String str(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0) {
      return 1 / value < 0 ? "-0.0" : "0.0";
    }
    BigDecimal shortest = shortest(Math.abs(value)).stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    int exponent = digits.length() - 1 - shortest.scale();
    String sign = value < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+")
          + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
    }
    String plain = shortest.toPlainString();
    return sign + (plain.contains(".") ? plain : plain + ".0");
  }

  /** The decimal with the fewest significant digits that reads back as the value, closest first. */
  private static BigDecimal shortest(double value) {
    BigDecimal exact = new BigDecimal(value);
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal best = null;
      for (RoundingMode mode : CANDIDATES) {
        BigDecimal candidate = exact.round(new MathContext(precision, mode));
        if (candidate.doubleValue() == value
            && (best == null
                || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
          best = candidate;
        }
      }
      if (best != null) {
        return best;
      }
    }
    return exact;
  }
}
