package dev.agp.rpp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads RPP's built-in files from agp-core's resources. */
final class RppResources {

  static final String FOLDER = "/dev/agp/rpp/";

  private RppResources() {}

  static String read(String name) {
    String path = FOLDER + name;
    try (InputStream in = RppResources.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path + " in agp-core");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + path, e);
    }
  }
}
