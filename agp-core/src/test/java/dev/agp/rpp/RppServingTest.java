package dev.agp.rpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.CallEstimate;
import dev.agp.Item;
import dev.agp.Ranking;
import dev.agp.UserCase;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.Stage;
import dev.agp.testing.ScriptedLlmClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Serving: the state path it follows, RPP+'s per-user refinement and its planned calls, the
 * untrained control, and what is counted.
 */
class RppServingTest {

  @TempDir Path dir;

  private static final List<UserCase> TRAIN = RppTesting.mixed("t", 6, 11);
  private static final List<UserCase> HELD = RppTesting.mixed("h", 5, 12);

  // ---------------------------------------------------------------- the state path

  @Test
  void choose_rollsTheEpisodeForwardThroughTheTrainingTransitions_servesTheLastTrainedStep() {
    RppOptimizer optimizer = RppTesting.small(RppWorld.llm().build()).iterations(5).build();
    RppModel model = optimizer.fit(TRAIN);
    Policy policy = model.policy();
    for (UserCase u : HELD) {
      double[] e = StateEncoder.embed(optimizer.embedding(), u);
      List<Policy.Choice> path = policy.rollForward(e);
      assertThat(path).hasSize(5);
      Policy.Episode episode = Policy.Episode.start(policy.settings);
      for (int t = 0; t < path.size(); t++) {
        Policy.Choice c = path.get(t);
        // the state of step t is the one training's transition function reaches after the previous choices
        assertThat(c.state()).containsExactly(policy.state(e, episode));
        assertThat(c.step()).isEqualTo(t);
        assertThat(c.state()[c.state().length - 1]).isEqualTo(t / 5.0);
        for (PromptPattern p : PromptPattern.values()) {
          assertThat(c.actions()[p.ordinal()]).isEqualTo(policy.agents.get(p).best(c.state()));
        }
        episode = policy.next(c);
      }
      // served: the choice made at the last trained step, the step every user's last training iteration sampled at
      assertThat(model.choose(u)).isEqualTo(policy.prompt(u, path.get(4)));
      assertThat(model.servingPath(u)).hasSize(5).last().isEqualTo(model.choose(u));
    }
  }

  /**
   * A world where only a long history ranks well: each user watched 12 items of one genre, then 4
   * of another. The script puts first the candidates of the genre most frequent in the history
   * shown (none on a tie), so the held-out item (of the long-standing genre) comes first only when
   * at least 9 items are shown, two or more steps of the history agent away from the initial 5.
   */
  static final class LongHistoryWorld {
    static final List<String> GENRES = List.of("drama", "comedy", "horror", "western", "action", "crime", "war");
    private static final Pattern GENRE = Pattern.compile("\\((\\w+)\\)");
    private static final Pattern CANDIDATE = Pattern.compile("(?m)^\\[([A-Z]{1,2})] (.*)$");

    static List<UserCase> users(String prefix, int n, int offset) {
      List<UserCase> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String g = GENRES.get((i + offset) % GENRES.size());
        String m = GENRES.get((i + offset + 1) % GENRES.size());
        List<Item> history = new ArrayList<>();
        for (int h = 0; h < 12; h++) {
          history.add(Item.of(prefix + i + "-g" + h, "Old " + h + " (" + g + ")"));
        }
        for (int h = 0; h < 4; h++) {
          history.add(Item.of(prefix + i + "-m" + h, "Recent " + h + " (" + m + ")"));
        }
        List<Item> candidates = new ArrayList<>();
        candidates.add(Item.of(prefix + i + "-cm", "Lure (" + m + ")"));
        for (int f = 0; f < 8; f++) {
          candidates.add(Item.of(prefix + i + "-f" + f, "Filler " + f + " (" + GENRES.get((i + offset + 2 + f % 5) % GENRES.size()) + "x)"));
        }
        Item relevant = Item.of(prefix + i + "-cg", "Keeper (" + g + ")");
        candidates.add(6, relevant);
        out.add(new UserCase(prefix + i, history, candidates, Set.of(relevant.id())));
      }
      return out;
    }

    static String rank(LlmRequest request) {
      String text = request.lastUserText();
      String history = RppWorld.between(text, "<history>", "</history>");
      Map<String, Integer> counts = new LinkedHashMap<>();
      Matcher g = GENRE.matcher(history);
      while (g.find()) {
        counts.merge(g.group(1), 1, Integer::sum);
      }
      int best = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
      List<String> top = counts.entrySet().stream().filter(e -> e.getValue() == best).map(Map.Entry::getKey).toList();
      String first = top.size() == 1 ? "(" + top.get(0) + ")" : null;
      Map<String, String> labels = new LinkedHashMap<>();
      Matcher c = CANDIDATE.matcher(RppWorld.between(text, "<candidates>", "</candidates>"));
      while (c.find()) {
        labels.put(c.group(1), c.group(2));
      }
      List<String> order = new ArrayList<>();
      labels.forEach((l, t) -> {
        if (first != null && t.contains(first)) {
          order.add(l);
        }
      });
      labels.keySet().forEach(l -> {
        if (!order.contains(l)) {
          order.add(l);
        }
      });
      return String.join("\n", order);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {42, 7, 2025})
  void rerank_historyAgentLearnsToGrow_servesTheLengthTheEpisodeReaches(long seed) {
    List<UserCase> train = LongHistoryWorld.users("t", 70, 0);
    List<UserCase> held = LongHistoryWorld.users("h", 35, 3);
    ScriptedLlmClient llm = ScriptedLlmClient.builder().on(Stage.RPP_RANK, LongHistoryWorld::rank).build();
    RppModel model = RppOptimizer.builder().llm(llm).domain("movie").seed(seed).ticker(RppTesting.FROZEN).build().fit(train);

    int longEnough = 0;
    for (UserCase u : held) {
      List<RppPrompt> path = model.servingPath(u);
      // the first step can add at most 2 items: serving at the first step (the initial state) could not show 9
      assertThat(path.get(0).historyLength()).isLessThanOrEqualTo(RppOptimizer.DEFAULT_INITIAL_HISTORY_LENGTH + 2);
      for (int t = 1; t < path.size(); t++) {
        assertThat(path.get(t).historyLength()).isGreaterThanOrEqualTo(path.get(t - 1).historyLength());
      }
      if (model.choose(u).historyLength() >= 9) {
        longEnough++;
      }
    }
    double mean = held.stream().mapToDouble(u -> dev.agp.internal.Ndcg.at(model.rerank(u).itemIds(), u.relevantItemIds(), 10)).average().orElse(0);
    System.out.printf("History world seed %d: %d of %d held-out users served >= 9 items; mean NDCG@10 %.3f%n",
        seed, longEnough, held.size(), mean);
    assertThat(longEnough).isGreaterThanOrEqualTo((int) Math.ceil(0.9 * held.size()));
    assertThat(mean).isGreaterThan(0.9);
  }

  // ---------------------------------------------------------------- RPP+ at serving

  @Test
  void rerank_rppPlus_refinesForTheServedUser_makesExactlyThePlannedCalls() {
    RppModel model = RppTesting.small(RppWorld.llm().build()).refine(true).build().fit(TRAIN);
    CallEstimate plan = model.estimate(HELD);
    assertThat(plan.calls()).containsExactlyInAnyOrderEntriesOf(Map.of(Stage.RPP_RANK, (long) HELD.size(), Stage.RPP_REFINE, (long) HELD.size()));

    ScriptedLlmClient serving = RppWorld.llm().build();
    RppModel served = model.withLlm(serving);
    long refineBefore = served.usage().stage(Stage.RPP_REFINE).calls();
    long rankBefore = served.usage().stage(Stage.RPP_RANK).calls();
    for (UserCase u : HELD) {
      Ranking r = served.rerank(u);
      assertThat(r.fallback()).isFalse();
      assertThat(r.isPermutationOf(u)).isTrue();
    }
    assertThat(serving.calls()).isEqualTo(plan.calls());
    assertThat(served.usage().stage(Stage.RPP_REFINE).calls() - refineBefore).isEqualTo(HELD.size());
    assertThat(served.usage().stage(Stage.RPP_RANK).calls() - rankBefore).isEqualTo(HELD.size());
    List<LlmRequest> refines = serving.requests(Stage.RPP_REFINE);
    List<LlmRequest> ranks = serving.requests(Stage.RPP_RANK);
    for (int i = 0; i < HELD.size(); i++) {
      UserCase u = HELD.get(i);
      // the refinement shows this user's history; its rewrites go into this user's ranking prompt
      assertThat(refines.get(i).lastUserText()).contains(u.history().get(u.history().size() - 1).title());
      assertThat(ranks.get(i).lastUserText()).contains("Mind this user's taste.");
      assertThat(ranks.get(i).lastUserText()).contains(u.candidates().get(0).title());
      long inputTokens = (refines.get(i).characterCount() + 3) / 4;
      assertThat(inputTokens).isPositive();
    }
    assertThat(served.served().refined()).isEqualTo(HELD.size());
    assertThat(served.served().refineFailures()).isZero();
    assertThat(served.estimate(HELD).inputTokens().get(Stage.RPP_RANK))
        .isGreaterThanOrEqualTo(ranks.stream().mapToLong(r -> r.characterCount() / 4).sum());
  }

  @Test
  void rerank_rppPlusRefinementFails_sendsTheChosenSentences_callsStillAsPlanned() {
    RppModel model = RppTesting.small(RppWorld.llm().build()).refine(true).build().fit(TRAIN);
    ScriptedLlmClient serving = RppWorld.llm()
        .failWhen(r -> r.stage() == Stage.RPP_REFINE, () -> new LlmRetriableException("HTTP 503", null, Stage.RPP_REFINE, 3, 503, null))
        .build();
    RppModel served = model.withLlm(serving);
    for (UserCase u : HELD) {
      Ranking r = served.rerank(u);
      assertThat(r.fallback()).isFalse();
    }
    assertThat(serving.calls()).isEqualTo(model.estimate(HELD).calls());
    assertThat(served.served().refineFailures()).isEqualTo(HELD.size());
    assertThat(served.served().refined()).isZero();
    for (int i = 0; i < HELD.size(); i++) {
      RppPrompt chosen = model.choose(HELD.get(i));
      assertThat(serving.requests(Stage.RPP_RANK).get(i).lastUserText()).contains(chosen.sentence(PromptPattern.REASONING_GUIDANCE));
    }
  }

  @Test
  void rerank_budgetSpent_throwsInsteadOfServingTheBaseOrder() {
    RppModel model = RppTesting.small(RppWorld.llm().build()).refine(true).build().fit(TRAIN);
    RppModel broke = model.withLlm(new RppTesting.Budget(RppWorld.llm().build(), 1));
    UserCase u = HELD.get(0);
    assertThatThrownBy(() -> broke.rerank(u)).isInstanceOf(LlmBudgetExceededException.class);
    assertThat(broke.fallbacks()).isZero();
  }

  // ---------------------------------------------------------------- RPP+ admission

  @Test
  void fitPlus_rewriteUsedByOneUserOnly_neverJoinsTheSharedActionSpace() {
    // each user's rewrite names the user's own last history item: no two users share one
    ScriptedLlmClient llm = RppWorld.llm()
        .on(Stage.RPP_REFINE, r -> {
          String history = RppWorld.between(r.lastUserText(), "<history>", "</history>").strip();
          String last = history.substring(history.lastIndexOf('\n') + 1).replaceAll("^\\d+\\.\\s*", "");
          StringBuilder sb = new StringBuilder();
          for (PromptPattern p : PromptPattern.values()) {
            String original = RppWorld.between(r.lastUserText(), "<" + p.tag() + ">", "</" + p.tag() + ">");
            if (!original.isEmpty()) {
              sb.append('<').append(p.tag()).append('>').append(original.strip()).append(" Think of ").append(last)
                  .append(" and ").append(Integer.toHexString(r.lastUserText().hashCode())).append(".</").append(p.tag()).append(">\n");
            }
          }
          return sb.toString();
        })
        .build();
    RppModel model = RppTesting.small(llm).refine(true).refineMinReward(0).iterations(4).build().fit(TRAIN);
    assertThat(model.history().refined()).isEmpty();
    for (PromptPattern p : PromptPattern.values()) {
      assertThat(model.actionSpace(p)).hasSize(p == PromptPattern.HISTORY_RECORDS ? 3 : p.builtInSentences(RppWorld.DOMAIN).size());
    }
    assertThat(llm.requests(Stage.RPP_RANK)).allSatisfy(r -> assertThat(r.lastUserText()).contains(" Think of "));
    assertThat(model.history().batches().get(model.history().batches().size() - 1).pendingRewrites()).isPositive();
  }

  @Test
  void fitPlus_admitsRewritesOfBaseSentencesOnEvidenceFromSeveralUsers_neverARewriteOfARewrite() {
    List<UserCase> train = RppTesting.mixed("t", 25, 4200);
    ScriptedLlmClient llm = RppWorld.llm().build();
    RppModel model = RppOptimizer.builder().llm(llm).domain(RppWorld.DOMAIN).refine(true).refineMinReward(0)
        .ticker(RppTesting.FROZEN).build().fit(train);

    List<RefinedSentence> admitted = model.history().refined();
    assertThat(admitted).isNotEmpty().allSatisfy(r -> {
      assertThat(r.userIds()).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(RppOptimizer.DEFAULT_REFINE_MIN_USERS);
      assertThat(r.parent()).isLessThan(model.policy().space.baseSize(r.pattern()));
      assertThat(r.text()).endsWith("Mind this user's taste.");
      assertThat(r.text().indexOf("Mind this user's taste.")).isEqualTo(r.text().lastIndexOf("Mind this user's taste."));
    });
    // admitted sentences were chosen, and rewritten again for their users' own calls: those second
    // rewrites recur across users, yet none joined
    assertThat(llm.requests(Stage.RPP_RANK))
        .anySatisfy(r -> assertThat(r.lastUserText()).contains("Mind this user's taste. Mind this user's taste."));
    for (PromptPattern p : PromptPattern.values()) {
      assertThat(model.actionSpace(p)).noneMatch(s -> s.contains("Mind this user's taste. Mind"));
    }
  }

  // ---------------------------------------------------------------- the untrained control

  @Test
  void untrained_servesEveryAgentsDefaultActionToEveryone_oneCallEach() {
    ScriptedLlmClient llm = RppWorld.llm().build();
    RppModel model = RppTesting.small(llm).refine(true).build().untrained();
    assertThat(model.method()).isEqualTo("RPP-untrained");
    assertThat(model.history()).isEqualTo(RppHistory.EMPTY);
    assertThat(llm.callCount()).isZero();
    for (UserCase u : HELD) {
      RppPrompt p = model.choose(u);
      for (PromptPattern pattern : PromptPattern.values()) {
        assertThat(p.action(pattern)).isZero();
      }
      assertThat(p.historyLength()).isEqualTo(Math.min(RppOptimizer.DEFAULT_INITIAL_HISTORY_LENGTH, u.history().size()));
      assertThat(p.sentence(PromptPattern.REASONING_GUIDANCE)).isEqualTo(RppWorld.REASONING.get(0));
      assertThat(model.rerank(u).fallback()).isFalse();
    }
    assertThat(llm.calls()).containsExactlyEntriesOf(Map.of(Stage.RPP_RANK, (long) HELD.size()));
    assertThat(model.estimate(HELD).calls()).isEqualTo(llm.calls());

    Path file = dir.resolve("untrained.json");
    model.save(file);
    RppModel loaded = RppModel.load(file, RppWorld.llm().build());
    assertThat(loaded.method()).isEqualTo("RPP-untrained");
    assertThat(loaded.choose(HELD.get(0))).isEqualTo(model.choose(HELD.get(0)));
  }

  // ---------------------------------------------------------------- what was served

  @Test
  void served_countsTheActionsAndHistoryLengthsOfEveryPromptSent() {
    RppModel model = RppTesting.small(RppWorld.llm().build()).build().fit(TRAIN).withLlm(RppWorld.llm().build());
    ServedPrompts before = model.served();
    assertThat(before.prompts()).isZero();
    Map<PromptPattern, long[]> expected = new java.util.EnumMap<>(PromptPattern.class);
    for (PromptPattern p : PromptPattern.values()) {
      expected.put(p, new long[model.actionSpace(p).size()]);
    }
    Map<Integer, Long> lengths = new java.util.TreeMap<>();
    for (UserCase u : HELD) {
      RppPrompt p = model.choose(u);
      model.rerank(u);
      for (PromptPattern pattern : PromptPattern.values()) {
        expected.get(pattern)[p.action(pattern)]++;
      }
      lengths.merge(p.historyLength(), 1L, Long::sum);
    }
    ServedPrompts s = model.served();
    assertThat(s.prompts()).isEqualTo(HELD.size());
    for (PromptPattern p : PromptPattern.values()) {
      assertThat(s.actions().get(p)).containsExactlyElementsOf(java.util.Arrays.stream(expected.get(p)).boxed().toList());
    }
    assertThat(s.historyLengths()).isEqualTo(lengths);
  }
}
