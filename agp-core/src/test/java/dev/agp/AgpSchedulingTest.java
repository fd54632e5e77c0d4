package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.Stage;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a fit schedules its calls: one step of a user's chain at a time (so a pool smaller than the
 * batch still packs rounds), a validation pass overlapped with the next batch when that batch
 * runs whatever the pass finds, and usage, checkpoints and results unchanged by either.
 */
class AgpSchedulingTest {

  private static final List<UserCase> TRAIN = GenreWorld.users("u", 20, 11);
  private static final List<UserCase> VALIDATION = GenreWorld.users("v", 5, 12);
  private static final Pattern USER = Pattern.compile("(?:Seen|Film) ([uv]\\d+)-");

  @TempDir Path dir;

  private static AgpOptimizer.Builder base(LlmClient llm) {
    return AgpOptimizer.builder().llm(llm).initialPrompt(GenreWorld.NAIVE_PROMPT).domain("movie")
        .batchSize(5).epochs(3).patience(5).concurrency(1);
  }

  /** "PROFILE u3", "RERANK v0", "SUMMARIZE -": each call's stage and the user it is about. */
  private static List<String> calls(ScriptedLlmClient llm) {
    List<String> out = new ArrayList<>();
    for (LlmRequest r : llm.requests()) {
      Matcher m = USER.matcher(r.lastUserText());
      out.add(r.stage() + " " + (r.stage() == Stage.PROFILE || r.stage() == Stage.RERANK || r.stage() == Stage.CRITIQUE
          ? (m.find() ? m.group(1) : "?") : "-"));
    }
    return out;
  }

  @Test
  void fit_oneThread_runsABatchStepByStepNotUserByUser() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    // without scoring the initial prompt, the first batch has the pool to itself
    AgpModel model = base(llm).epochs(1).scoreInitialPrompt(false).build().fit(TRAIN, VALIDATION);

    List<String> calls = calls(llm);
    List<String> batch = calls.subList(0, calls.indexOf("SUMMARIZE -"));
    BatchRecord record = model.history().batches().get(0);
    List<String> users = record.userIds();
    List<String> expected = new ArrayList<>();
    users.forEach(u -> expected.add("PROFILE " + u));
    users.forEach(u -> expected.add("RERANK " + u));
    long critiques = record.usage().stage(Stage.CRITIQUE).calls();
    assertThat(critiques).isPositive();
    assertThat(batch).startsWith(expected.toArray(String[]::new));
    assertThat(batch.subList(expected.size(), batch.size())).hasSize((int) critiques).allMatch(c -> c.startsWith("CRITIQUE "));
  }

  @Test
  void fit_initialScoring_overlapsTheFirstBatchWhoseCallsItCountsAsItsOwn() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    AgpModel model = base(llm).epochs(1).build().fit(TRAIN, VALIDATION);

    List<String> calls = calls(llm);
    BatchRecord first = model.history().batches().get(0);
    List<String> expectedStart = new ArrayList<>();
    first.userIds().forEach(u -> expectedStart.add("PROFILE " + u)); // the batch's first calls are queued first
    VALIDATION.forEach(v -> expectedStart.add("PROFILE " + v.userId())); // then the validation pass's
    assertThat(calls).startsWith(expectedStart.toArray(String[]::new));
    int lastValidationCall = calls.lastIndexOf("RERANK v4");
    assertThat(calls.indexOf("SUMMARIZE -")).as("the batch update waits for its users only").isGreaterThan(0);
    assertThat(calls.subList(0, lastValidationCall)).anyMatch(c -> c.startsWith("RERANK u"));

    // the batch's usage holds its own chains' calls, though they ran during the validation pass
    assertThat(first.usage().stage(Stage.PROFILE).calls()).isEqualTo(5);
    assertThat(first.usage().stage(Stage.RERANK).calls()).isEqualTo(5);
    long total = model.history().batches().stream().mapToLong(b -> b.usage().total().calls()).sum();
    assertThat(total + 2L * 2 * VALIDATION.size()).isEqualTo(model.usage().total().calls());
  }

  @Test
  void fit_validationThatCanEndTheFit_startsNothingAhead() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    // patience 1: any pass after an epoch may stop the fit, so epoch e + 1 waits for it
    base(llm).epochs(3).patience(1).build().fit(TRAIN, VALIDATION);

    List<String> calls = calls(llm);
    int epochOneEnd = 0;
    int optimizes = 0;
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).equals("OPTIMIZE -") && ++optimizes == 4) { // 20 users in batches of 5
        epochOneEnd = i + 1;
        break;
      }
    }
    List<String> pass = calls.subList(epochOneEnd, epochOneEnd + 2 * VALIDATION.size());
    assertThat(pass).as("the pass after epoch 1 alone").allMatch(c -> c.matches("(PROFILE|RERANK) v\\d"));
    assertThat(calls.get(epochOneEnd + 2 * VALIDATION.size())).startsWith("PROFILE u");
  }

  @Test
  void fit_stopDuringTheOverlappedPass_resumesWithoutRepeatingACall() {
    ScriptedLlmClient reference = GenreWorld.llm().build();
    AgpModel uninterrupted = base(reference).build().fit(TRAIN, VALIDATION);

    Path checkpoint = dir.resolve("agp.json");
    ScriptedLlmClient first = GenreWorld.llm().build();
    AtomicInteger n = new AtomicInteger();
    LlmClient budgeted = r -> {
      if (n.incrementAndGet() > 13) { // the first batch's profiles and reranks are made, the pass is not done
        throw new LlmBudgetExceededException("budget of 13 calls spent", r.stage());
      }
      return first.complete(r);
    };
    assertThatThrownBy(() -> base(budgeted).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION))
        .isInstanceOf(AgpFitException.class).hasMessageContaining("scoring the initial prompt: the budget ran out");

    ScriptedLlmClient second = GenreWorld.llm().build();
    AgpModel resumed = base(second).checkpoint(checkpoint).build().fit(TRAIN, VALIDATION);

    List<String> both = new ArrayList<>(AgpOptimizerTest.requestTexts(first));
    both.addAll(AgpOptimizerTest.requestTexts(second));
    assertThat(both).as("every call once").containsExactlyInAnyOrderElementsOf(AgpOptimizerTest.requestTexts(reference));
    assertThat(resumed.prompt()).isEqualTo(uninterrupted.prompt());
    assertThat(AgpOptimizerTest.withoutUsage(resumed.history())).isEqualTo(AgpOptimizerTest.withoutUsage(uninterrupted.history()));
  }

  @Test
  void fit_anyConcurrency_sameCallsAndResults() {
    ScriptedLlmClient one = GenreWorld.llm().build();
    AgpModel a = base(one).concurrency(1).build().fit(TRAIN, VALIDATION);
    for (int c : new int[] {3, 7, 40}) {
      ScriptedLlmClient other = GenreWorld.llm().build();
      AgpModel b = base(other).concurrency(c).build().fit(TRAIN, VALIDATION);
      assertThat(b.prompt()).isEqualTo(a.prompt());
      assertThat(AgpOptimizerTest.withoutUsage(b.history())).isEqualTo(AgpOptimizerTest.withoutUsage(a.history()));
      assertThat(AgpOptimizerTest.requestTexts(other)).containsExactlyInAnyOrderElementsOf(AgpOptimizerTest.requestTexts(one));
      assertThat(b.history().batches()).extracting(r -> r.usage().calls())
          .containsExactlyElementsOf(a.history().batches().stream().map(r -> r.usage().calls()).toList());
    }
  }

  @Test
  void fit_oneThread_callsComeInTheSameOrderEveryRun() {
    ScriptedLlmClient a = GenreWorld.llm().build();
    ScriptedLlmClient b = GenreWorld.llm().build();
    base(a).build().fit(TRAIN, VALIDATION);
    base(b).build().fit(TRAIN, VALIDATION);
    assertThat(AgpOptimizerTest.requestTexts(b)).isEqualTo(AgpOptimizerTest.requestTexts(a));
  }
}
