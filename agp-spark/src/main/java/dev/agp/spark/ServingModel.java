package dev.agp.spark;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agp.AgpModel;
import dev.agp.CaseReranker;
import dev.agp.internal.AgpJson;
import dev.agp.internal.Fingerprints;
import dev.agp.llm.LlmClient;
import dev.agp.rpp.RppModel;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A saved AGP or RPP model as the tasks receive it: the JSON document (which never holds a key)
 * and its SHA-256. Each executor parses it once and binds it to a task's client per user.
 */
final class ServingModel implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(ServingModel.class);

  /** Parsed models of this JVM (an AgpModel or an RppModel, without a client), by fingerprint. */
  private static final Map<String, Object> LOADED = new ConcurrentHashMap<>();

  private final byte[] json;
  private final String fingerprint;
  private final String format;

  private ServingModel(byte[] json, String fingerprint, String format) {
    this.json = json;
    this.fingerprint = fingerprint;
    this.format = format;
  }

  /**
   * Reads and checks a saved model on the driver.
   *
   * @param source names the model in messages
   * @throws IllegalArgumentException if it is not a saved AGP or RPP model this release serves
   */
  static ServingModel of(byte[] json, String source) {
    requireNonNull(json, "json");
    String format;
    try {
      JsonNode root = AgpJson.mapper().readTree(json);
      format = root == null ? "" : root.path("format").asText("");
      if (format.equals(RppModel.FORMAT) && "supplied".equals(root.path("embedding").path("kind").asText(""))) {
        throw new IllegalArgumentException(
            source + " is an RPP model trained with a supplied user embedding, which the Spark job cannot rebuild on"
                + " the executors; serve a model trained with the built-in hashed embedding");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(source + " is not a JSON document: " + e.getMessage(), e);
    }
    if (!format.equals(AgpModel.FORMAT) && !format.equals(RppModel.FORMAT)) {
      throw new IllegalArgumentException(
          source + " is not a saved AGP or RPP model (format \"" + format + "\"; expected " + AgpModel.FORMAT + " or "
              + RppModel.FORMAT + ")");
    }
    ServingModel m = new ServingModel(json.clone(), Fingerprints.sha256(new String(json, StandardCharsets.UTF_8)), format);
    try {
      m.parse();
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
    return m;
  }

  /** The saved document's format: {@value AgpModel#FORMAT} or {@value RppModel#FORMAT}. */
  String format() {
    return format;
  }

  String fingerprint() {
    return fingerprint;
  }

  /** Whether this is an AGP model (profiles can be written ahead), not an RPP one. */
  boolean isAgp() {
    return format.equals(AgpModel.FORMAT);
  }

  /** The model of this JVM, parsed on first use, serving through {@code llm}. */
  CaseReranker reranker(LlmClient llm) {
    Object m = LOADED.computeIfAbsent(fingerprint, f -> parse());
    return m instanceof AgpModel agp ? agp.withLlm(llm) : ((RppModel) m).withLlm(llm);
  }

  /**
   * The AGP model of this JVM, parsed on first use, serving through {@code llm}.
   *
   * @throws IllegalStateException if this is an RPP model
   */
  AgpModel agp(LlmClient llm) {
    if (!(LOADED.computeIfAbsent(fingerprint, f -> parse()) instanceof AgpModel agp)) {
      throw new IllegalStateException("an RPP model writes no profiles");
    }
    return agp.withLlm(llm);
  }

  private Object parse() {
    // the models read from files; the file lives only while it is read
    Path tmp = null;
    try {
      tmp = Files.createTempFile("agp-spark-model-", ".json");
      Files.write(tmp, json);
      if (format.equals(AgpModel.FORMAT)) {
        return AgpModel.load(tmp);
      }
      return RppModel.load(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage the model in a temporary file: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          log.warn("Cannot delete the temporary model file {} ({}); it holds the model, no key", tmp, e.toString());
        }
      }
    }
  }
}
