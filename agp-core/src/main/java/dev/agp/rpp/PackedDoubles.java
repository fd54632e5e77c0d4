package dev.agp.rpp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Network parameters in saved documents: little-endian IEEE-754 doubles, base64-encoded. Exact,
 * and well under half the size of decimal JSON numbers.
 */
final class PackedDoubles {

  private PackedDoubles() {}

  static String pack(double[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    return Base64.getEncoder().encodeToString(b.array());
  }

  /**
   * @throws IllegalArgumentException if the text is not base64 of {@code length} doubles
   */
  static double[] unpack(String packed, int length, String what) {
    if (packed == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    byte[] bytes = Base64.getDecoder().decode(packed);
    if (bytes.length != length * Double.BYTES) {
      throw new IllegalArgumentException(
          what + " holds " + bytes.length / Double.BYTES + " values, expected " + length);
    }
    double[] out = new double[length];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
    return out;
  }
}
