package dev.arrowrpc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The demo prints the committed expected output over every transport. */
class CalculatorDemoTest {
  private static final Path EXPECTED = Path.of("expected-output.txt");

  @ParameterizedTest
  @ValueSource(strings = {"pipe", "unix", "tcp", "http", "flight"})
  void printsTheExpectedOutput(String transport) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      CalculatorDemo.run(transport, out);
    }
    assertEquals(Files.readString(EXPECTED, StandardCharsets.UTF_8),
        bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
  }

  @Test
  void refusesAnUnknownTransport() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CalculatorDemo.run("carrier-pigeon", System.out));
    assertTrue(e.getMessage().contains("usage: CalculatorDemo [pipe|unix|tcp|http|flight]"), e.getMessage());
  }
}
