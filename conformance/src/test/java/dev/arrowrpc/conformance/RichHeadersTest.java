package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RichHeadersTest {
  @Test
  void evenSeedDivisibleByThree() {
    RichHeader header = RichHeaders.build(42);
    assertEquals("seed-42", header.str_field());
    assertArrayEquals(new byte[] {42, 43, 44}, header.bytes_field());
    assertEquals(294, header.int_field());
    assertEquals(63.0, header.float_field());
    assertEquals(true, header.bool_field());
    assertEquals(List.of(42L, 43L, 44L), header.list_of_int());
    assertEquals(List.of("item-42", "item-43"), header.list_of_str());
    assertEquals(Map.of("a", 42L, "b", 43L), header.dict_field());
    assertEquals(Status.PENDING, header.enum_field());
    assertEquals(new Point(42, 84), header.nested_point());
    assertEquals("opt-42", header.optional_str());
    assertNull(header.optional_int());
    assertEquals(new Point(42, 0), header.optional_nested());
    assertEquals(List.of(new Point(42, 43)), header.list_of_nested());
    assertEquals(List.of(List.of(42L, 43L), List.of(44L)), header.nested_list());
    assertEquals(42, header.annotated_int32());
    assertEquals(14f, header.annotated_float32());
    assertEquals(Map.of("key", "val-42"), header.dict_str_str());
  }

  @Test
  void oddSeed() {
    RichHeader header = RichHeaders.build(7);
    assertEquals(false, header.bool_field());
    assertEquals(Status.ACTIVE, header.enum_field());
    assertNull(header.optional_str());
    assertEquals(21L, header.optional_int());
    assertNull(header.optional_nested());
    assertEquals((float) (7 / 3.0), header.annotated_float32());
  }

  @Test
  void bytesAndModuliWrap() {
    RichHeader header = RichHeaders.build(1255);
    assertArrayEquals(new byte[] {(byte) 231, (byte) 232, (byte) 233}, header.bytes_field());
    assertEquals(255, header.annotated_int32());
    assertEquals(Status.ACTIVE, header.enum_field());
  }
}
