package dev.agp.eval;

import dev.agp.UserCase;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.util.List;

/** The experiment fixtures, shared with the report tests. */
public final class ExperimentTestSupport {

  public static final List<UserCase> TRAIN = ExperimentTest.TRAIN;
  public static final List<UserCase> VALIDATION = ExperimentTest.VALIDATION;
  public static final List<UserCase> TEST = ExperimentTest.TEST;

  private ExperimentTestSupport() {}

  /** GenreWorld's AGP script plus LLM-Dir (history genre first) and LLM-CoT (shown order). */
  public static ScriptedLlmClient.Builder script() {
    return ExperimentTest.script(GenreWorld.llm());
  }
}
