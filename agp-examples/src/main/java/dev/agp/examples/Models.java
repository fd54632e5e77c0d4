package dev.agp.examples;

import dev.agp.AgpModel;
import dev.agp.CaseReranker;
import dev.agp.llm.LlmClient;
import dev.agp.rpp.RppModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** Saved models of {@code agp fit}, whatever the method: read the format, load the right one. */
final class Models {

  private Models() {}

  /**
   * What a saved model is.
   *
   * @param callsPerUser LLM calls a rerank makes at most: AGP 2 (profile, ranking), RPP 1, RPP+ 2
   *     (refinement, ranking)
   */
  record Saved(String format, String domain, int callsPerUser, Function<LlmClient, CaseReranker> bind) {
    boolean rpp() {
      return format.equals(RppModel.FORMAT);
    }
  }

  /**
   * Reads the model at {@code path} (the LLM is bound later, once per client).
   *
   * @throws UsageException if the file is missing or is not a saved AGP or RPP model
   */
  static Saved read(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new UsageException("--model-file: no such file: " + path);
    }
    String format;
    String domain;
    boolean refine;
    try {
      var root = CaseFiles.JSON.readTree(path.toFile());
      format = root.path("format").asText("");
      domain = root.path("settings").path("domain").asText("item");
      refine = root.path("settings").path("refine").asBoolean(false);
    } catch (IOException e) {
      throw new UsageException("--model-file: " + path + " is not a JSON document (" + CaseFiles.message(e) + ")");
    }
    try {
      if (format.equals(AgpModel.FORMAT)) {
        AgpModel model = AgpModel.load(path);
        return new Saved(format, domain, 2, model::withLlm);
      }
      if (format.equals(RppModel.FORMAT)) {
        RppModel model = RppModel.load(path);
        return new Saved(format, domain, refine ? 2 : 1, model::withLlm);
      }
    } catch (RuntimeException e) {
      throw new UsageException("--model-file: " + path + ": " + CaseFiles.message(e));
    }
    throw new UsageException("--model-file: " + path + " is not a model saved by agp fit (format '" + format
        + "'; expected " + AgpModel.FORMAT + " or " + RppModel.FORMAT + ")");
  }
}
