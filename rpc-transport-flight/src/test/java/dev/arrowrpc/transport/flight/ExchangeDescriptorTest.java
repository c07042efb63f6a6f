package dev.arrowrpc.transport.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** A DoExchange that does not ask for the conversation mapping is refused with INVALID_ARGUMENT. */
class ExchangeDescriptorTest {
  @Test
  void anotherDescriptorIsRefused() throws Exception {
    try (FlightHarness harness = new FlightHarness(FlightCalc.class, new FlightCalc.Impl());
        RootAllocator memory = new RootAllocator()) {
      try (FlightClient client = FlightClient.builder(memory,
          Location.forGrpcInsecure("127.0.0.1", harness.port())).build()) {
        for (FlightDescriptor descriptor : new FlightDescriptor[] {
            FlightDescriptor.command("something else".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            FlightDescriptor.path("FlightCalc", "add")}) {
          try (FlightClient.ExchangeReaderWriter exchange = client.doExchange(descriptor)) {
            FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> exchange.getReader().next());
            assertEquals(FlightStatusCode.INVALID_ARGUMENT, e.status().code());
          }
        }
      }
      assertEquals(0, memory.getAllocatedMemory());
      assertEquals(0, harness.awaitServerBytes());
      assertEquals(0, harness.clientBytes());
    }
  }
}
