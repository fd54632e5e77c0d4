package dev.agp.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agp.AgpModel;
import dev.agp.CaseReranker;
import dev.agp.llm.LlmClient;
import dev.agp.rpp.RppModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;

/**
 * Reads a saved AGP or RPP model from a Spring {@link Resource}, telling them apart by the
 * document's {@code format}. The core loads models from files; a resource that is not a file (a
 * classpath entry inside a jar, a URL) is copied to a temporary file that is deleted once read.
 */
final class ModelFiles {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelFiles() {}

  /**
   * The model at {@code location}, serving through {@code llm}.
   *
   * @throws IllegalStateException if the resource is missing, unreadable, not a saved model, or an
   *     RPP model that needs a user embedding none was given for
   */
  static CaseReranker load(Resource location, LlmClient llm, @Nullable RppUserEmbedding embedding) {
    String where = "agp.model.location " + location.getDescription();
    if (!location.exists()) {
      throw new IllegalStateException(where + " does not exist");
    }
    byte[] bytes;
    try (InputStream in = location.getInputStream()) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(where + " cannot be read: " + e.getMessage(), e);
    }
    String format;
    boolean suppliedEmbedding;
    try {
      JsonNode root = JSON.readTree(bytes);
      format = root == null ? "" : root.path("format").asText("");
      // the kind an RPP model's user embedding was trained with: "hashed" (built in) or "supplied"
      suppliedEmbedding = root != null && "supplied".equals(root.path("embedding").path("kind").asText(""));
    } catch (IOException e) {
      throw new IllegalStateException(where + " is not a JSON document: " + e.getMessage(), e);
    }
    if (!format.equals(AgpModel.FORMAT) && !format.equals(RppModel.FORMAT)) {
      throw new IllegalStateException(
          where + " is neither a saved AGP model (format " + AgpModel.FORMAT + ") nor a saved RPP model (format "
              + RppModel.FORMAT + "); its format is \"" + format + "\"");
    }
    Path file = null;
    Path temporary = null;
    try {
      if (location.isFile()) {
        file = location.getFile().toPath();
      } else {
        temporary = Files.createTempFile("agp-model-", ".json");
        Files.write(temporary, bytes);
        file = temporary;
      }
      try {
        return format.equals(AgpModel.FORMAT)
            ? AgpModel.load(file, llm)
            : rpp(file, llm, suppliedEmbedding ? embedding : null, suppliedEmbedding, where);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        throw new IllegalStateException(where + ": " + e.getMessage(), e);
      }
    } catch (IOException e) {
      throw new IllegalStateException(where + " cannot be read: " + e.getMessage(), e);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException e) {
          temporary.toFile().deleteOnExit();
        }
      }
    }
  }

  private static RppModel rpp(
      Path file, LlmClient llm, @Nullable RppUserEmbedding embedding, boolean supplied, String where) {
    if (!supplied) {
      return RppModel.load(file, llm);
    }
    if (embedding == null) {
      throw new IllegalStateException(
          where + " is an RPP model trained with a supplied user embedding: define a bean of type "
              + RppUserEmbedding.class.getName() + " that computes it");
    }
    return RppModel.load(file, llm, embedding::embed);
  }
}
