package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.CallEstimate;
import dev.agp.CaseReranker;
import dev.agp.EpochRecord;
import dev.agp.LlmRerankers;
import dev.agp.Ranking;
import dev.agp.llm.LlmClient;
import dev.agp.prompt.PermutationVoting;
import dev.agp.rpp.RppOptimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One column of an {@link Experiment}: anything that reorders candidates, fixed or trained.
 * {@link #prepare} runs once, before the test users, with the experiment's training and
 * validation users and a client metered for this method alone; the {@link CaseReranker} it
 * returns then ranks every test user.
 *
 * <pre>{@code
 * List<Method> methods = List.of(
 *     Method.direct(),                                   // LLM-Dir
 *     Method.chainOfThought(),                           // LLM-CoT
 *     Method.agp("AGP", b -> b.batchSize(10).epochs(5)), // AGP, trained here
 *     Method.trained("RPP", ctx -> RppOptimizer.builder().llm(ctx.llm()).seed(ctx.seed()).build()
 *         .fit(ctx.train())),                            // any trainable CaseReranker
 *     Method.direct().withPermutationVoting(3, 42));     // LLM-Dir with position-bias control
 * }</pre>
 *
 * Implementations must be usable once per experiment run; the factories here are stateless.
 */
public interface Method {

  /** {@return the row label in reports; unique within an experiment} */
  String name();

  /**
   * Prepares the method: trains it if it learns, or just builds it.
   *
   * @param context the experiment's users, the method's client, seed and concurrency
   * @return the method, ready to rank test users
   * @throws RuntimeException whatever training throws; the experiment stops and names the method
   */
  PreparedMethod prepare(MethodContext context);

  /**
   * {@return what the row is for: a method, a control of one, a user-blind sanity order, or Base}
   */
  default MethodKind kind() {
    return MethodKind.METHOD;
  }

  /**
   * Settings that identify this method in an ablation (for example {@code batchSize=5}).
   *
   * @return the settings, empty for a method outside an ablation
   */
  default Map<String, String> parameters() {
    return Map.of();
  }

  /**
   * The LLM calls this method plans for the given user counts, before any call; empty when it
   * cannot say.
   *
   * @param context the context {@link #prepare} would get
   * @param testUsers the number of test users
   * @return the planned calls, or empty
   */
  default OptionalLong plannedCalls(MethodContext context, int testUsers) {
    return OptionalLong.empty();
  }

  /**
   * This method with its rankings made by {@link PermutationVoting}: each test user's candidates
   * ranked in {@code permutations} seeded shuffled orders and combined by Borda count. Named
   * {@code "<name> +PV<permutations>"}; the voting settings are added to the parameters.
   *
   * @param permutations the orders each user's candidates are ranked in, {@code >= 1}
   * @param seed the seed of the permutations
   * @return the method with voting
   * @throws IllegalArgumentException if permutations is below 1
   */
  default Method withPermutationVoting(int permutations, long seed) {
    if (permutations < 1) {
      throw new IllegalArgumentException("permutations must be >= 1 but was " + permutations);
    }
    Method inner = this;
    Map<String, String> params = new LinkedHashMap<>(parameters());
    params.put("permutations", String.valueOf(permutations));
    params.put("permutationSeed", String.valueOf(seed));
    return new Methods.Simple(
        name() + " +PV" + permutations,
        params,
        ctx -> {
          PreparedMethod p = inner.prepare(ctx);
          Map<String, String> details = new LinkedHashMap<>(p.details());
          details.put("position-bias control",
              "Borda count over " + permutations + " shuffled orders per user, seed " + seed
                  + " (order p of a user: shuffle seeded by mix(mix(seed, hash(userId)), p))");
          return new PreparedMethod(
              PermutationVoting.builder(p.reranker()).permutations(permutations).seed(seed).build(),
              p.validationCurve(), details);
        },
        (ctx, test) -> {
          OptionalLong all = inner.plannedCalls(ctx, test);
          OptionalLong train = inner.plannedCalls(ctx, 0);
          if (all.isEmpty() || train.isEmpty()) {
            return OptionalLong.empty();
          }
          return OptionalLong.of(train.getAsLong() + (all.getAsLong() - train.getAsLong()) * permutations);
        },
        kind());
  }

  /**
   * This method under another name.
   *
   * @param name the new name
   * @return the renamed method
   * @throws NullPointerException if name is null
   * @throws IllegalArgumentException if name is blank
   */
  default Method named(String name) {
    Methods.checkName(name);
    Method inner = this;
    return new Methods.Simple(name, parameters(), inner::prepare, inner::plannedCalls, kind());
  }

  /**
   * This method trained on the same users with their labels permuted ({@link
   * Controls#permuteLabels}, with {@code seed}): the shuffled-labels control of a learning method.
   * Validation users keep their true labels (they select, they do not teach), test users are
   * untouched. Named {@code "<name> (permuted labels)"}; its kind is {@link MethodKind#CONTROL}.
   * A method that learns from its labels should do worse under this control; one that does not
   * learns nothing from them.
   *
   * @param seed the seed of the permutation
   * @return the control
   */
  default Method withPermutedLabels(long seed) {
    Method inner = this;
    Map<String, String> params = new LinkedHashMap<>(parameters());
    params.put("labels", "permuted across training users, seed " + seed);
    java.util.function.Function<MethodContext, MethodContext> permuted = ctx -> new MethodContext(
        Controls.permuteLabels(ctx.train(), seed), ctx.validation(), ctx.client(), ctx.seed(), ctx.concurrency());
    return new Methods.Simple(
        name() + " (permuted labels)", params,
        ctx -> {
          PreparedMethod p = inner.prepare(permuted.apply(ctx));
          Map<String, String> details = new LinkedHashMap<>(p.details());
          details.put("control", "trained on the training users' labels permuted among them (seed " + seed
              + "); validation labels true");
          return new PreparedMethod(p.reranker(), p.validationCurve(), details);
        },
        (ctx, n) -> inner.plannedCalls(permuted.apply(ctx), n),
        MethodKind.CONTROL);
  }

  // ---- factories

  /** {@return the method "Base": the base recommender's order, unchanged, without calls} */
  static Method base() {
    return new Methods.Simple(
        Methods.BASE, Map.of(), ctx -> PreparedMethod.of(Ranking::base), (ctx, n) -> OptionalLong.of(0), MethodKind.BASE);
  }

  /**
   * A user-blind sanity order: each user's candidates sorted by {@code popularity} (items missing
   * from it count 0), ascending or descending, ties kept in base order. No calls. Named "Pop.
   * ascending" or "Pop. descending"; its kind is {@link MethodKind#SANITY}.
   *
   * @param popularity a count (or any score) per item id
   * @param ascending true for least popular first
   * @return the sanity method
   * @throws NullPointerException if popularity is null
   */
  static Method popularityOrder(Map<String, ? extends Number> popularity, boolean ascending) {
    Map<String, ? extends Number> counts = requireNonNull(popularity, "popularity");
    CaseReranker r = u -> {
      List<dev.agp.Item> sorted = new ArrayList<>(u.candidates());
      java.util.Comparator<dev.agp.Item> byCount =
          java.util.Comparator.comparingDouble(i -> counts.containsKey(i.id()) ? counts.get(i.id()).doubleValue() : 0.0);
      sorted.sort(ascending ? byCount : byCount.reversed());
      return Ranking.of(u.userId(), sorted.stream().map(dev.agp.Item::id).toList());
    };
    return new Methods.Simple(
        ascending ? Methods.POPULARITY_ASCENDING : Methods.POPULARITY_DESCENDING,
        Map.of("order", ascending ? "training popularity, least popular first" : "training popularity, most popular first"),
        ctx -> PreparedMethod.of(r), (ctx, n) -> OptionalLong.of(0), MethodKind.SANITY);
  }

  /**
   * A user-blind sanity order: each user's candidates in a random order, seeded by {@code seed}
   * and the user id (the same on every run). No calls. Named "Random order"; its kind is {@link
   * MethodKind#SANITY}.
   *
   * @param seed the seed of the order, mixed with each user's id
   * @return the sanity method
   */
  static Method randomOrder(long seed) {
    CaseReranker r = u -> Ranking.of(
        u.userId(),
        dev.agp.internal.Seeds.shuffle(u.candidateIds(), seed, dev.agp.internal.Seeds.mix(9_201, u.userId().hashCode())));
    return new Methods.Simple(
        Methods.RANDOM_ORDER, Map.of("order", "uniformly random, seed " + seed), ctx -> PreparedMethod.of(r),
        (ctx, n) -> OptionalLong.of(0), MethodKind.SANITY);
  }

  /**
   * The three sanity rows every experiment should carry: popularity ascending and descending
   * (training popularity from {@code split}) and a seeded random order.
   *
   * @param split the split whose training interactions give popularity
   * @param seed the seed of the random order
   * @return the three sanity methods
   * @throws NullPointerException if split is null
   */
  static List<Method> sanityRows(LooSplit split, long seed) {
    Map<String, Long> popularity = Controls.trainingPopularity(split);
    return List.of(popularityOrder(popularity, true), popularityOrder(popularity, false), randomOrder(seed));
  }

  /**
   * A reranker built elsewhere, used as it is (its calls are not metered by the experiment unless
   * it was built on the experiment's client; prefer {@link #llm}).
   *
   * @param name the row's name
   * @param reranker the reranker every test user is given to
   * @return the method
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if name is blank
   */
  static Method fixed(String name, CaseReranker reranker) {
    Methods.checkName(name);
    requireNonNull(reranker, "reranker");
    return new Methods.Simple(name, Map.of(), ctx -> PreparedMethod.of(reranker), (ctx, n) -> OptionalLong.empty());
  }

  /**
   * A reranker built on the method's metered client, making {@code callsPerUser} calls per test
   * user (for the plan).
   *
   * @param name the row's name
   * @param factory makes the reranker from the method's metered client
   * @param callsPerUser the calls made per test user
   * @return the method
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if name is blank or callsPerUser is negative
   */
  static Method llm(String name, Function<LlmClient, CaseReranker> factory, int callsPerUser) {
    Methods.checkName(name);
    requireNonNull(factory, "factory");
    if (callsPerUser < 0) {
      throw new IllegalArgumentException("callsPerUser must be >= 0 but was " + callsPerUser);
    }
    return new Methods.Simple(
        name, Map.of(), ctx -> PreparedMethod.of(requireNonNull(factory.apply(ctx.llm()), "factory result")),
        (ctx, n) -> OptionalLong.of((long) n * callsPerUser));
  }

  /** {@return the method "LLM-Dir": {@link LlmRerankers#direct}, one call per user} */
  static Method direct() {
    return llm(Methods.LLM_DIR, LlmRerankers::direct, 1);
  }

  /** {@return the method "LLM-CoT": {@link LlmRerankers#chainOfThought}, one call per user} */
  static Method chainOfThought() {
    return llm(Methods.LLM_COT, LlmRerankers::chainOfThought, 1);
  }

  /**
   * A method that trains: {@code trainer} gets the context (training and validation users, the
   * metered client, seed, concurrency) and returns the reranker to test. How RPP plugs in.
   *
   * @param name the row's name
   * @param trainer trains the reranker
   * @return the method
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if name is blank
   */
  static Method trained(String name, Function<MethodContext, ? extends CaseReranker> trainer) {
    Methods.checkName(name);
    requireNonNull(trainer, "trainer");
    return new Methods.Simple(
        name, Map.of(), ctx -> PreparedMethod.of(requireNonNull(trainer.apply(ctx), "trainer result")),
        (ctx, n) -> OptionalLong.empty());
  }

  /**
   * {@link #trained(String, Function)} that announces its calls before running: {@code
   * plannedCalls} gets the context and the number of test users, for example {@code (ctx, n) ->
   * optimizer.estimate(ctx.train()).totalCalls() + n}.
   *
   * @param name the row's name
   * @param trainer trains the reranker
   * @param plannedCalls counts the calls training and ranking will make, from the context and the
   *     number of test users
   * @return the method
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if name is blank
   */
  static Method trained(
      String name,
      Function<MethodContext, ? extends CaseReranker> trainer,
      java.util.function.ToLongBiFunction<MethodContext, Integer> plannedCalls) {
    Methods.checkName(name);
    requireNonNull(trainer, "trainer");
    requireNonNull(plannedCalls, "plannedCalls");
    return new Methods.Simple(
        name, Map.of(), ctx -> PreparedMethod.of(requireNonNull(trainer.apply(ctx), "trainer result")),
        (ctx, n) -> OptionalLong.of(plannedCalls.applyAsLong(ctx, n)));
  }

  /**
   * AGP trained on the experiment's users: a fresh {@link AgpOptimizer#builder()} gets the
   * method's client, the experiment's seed and concurrency, then {@code options}, and fits on
   * the training and validation users (without validation users, AGP splits its own off the
   * training users). The validation score per epoch, the learned prompt and
   * the fit's outcome are reported. Planned calls come from {@link AgpOptimizer#estimate} plus
   * two per test user.
   *
   * @param name the row's name
   * @param options adjusts the builder; the identity for defaults
   * @return the method
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if name is blank
   */
  static Method agp(String name, UnaryOperator<AgpOptimizer.Builder> options) {
    return agp(name, options, Map.of());
  }

  /**
   * {@link #agp(String, UnaryOperator)} labelled with ablation parameters.
   *
   * @param name the row's name
   * @param options adjusts the builder; the identity for defaults
   * @param parameters the ablation's settings, shown in reports
   * @return the method
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if name is blank
   */
  static Method agp(String name, UnaryOperator<AgpOptimizer.Builder> options, Map<String, String> parameters) {
    Methods.checkName(name);
    requireNonNull(options, "options");
    Map<String, String> params = new LinkedHashMap<>(requireNonNull(parameters, "parameters"));
    Function<MethodContext, AgpOptimizer> optimizer =
        ctx -> requireNonNull(
                options.apply(AgpOptimizer.builder().llm(ctx.llm()).seed(ctx.seed()).concurrency(ctx.concurrency())),
                "options returned null")
            .build();
    return new Methods.Simple(
        name, params,
        ctx -> {
          AgpOptimizer o = optimizer.apply(ctx);
          AgpModel model = ctx.validation().isEmpty() ? o.fit(ctx.train()) : o.fit(ctx.train(), ctx.validation());
          List<PreparedMethod.ValidationPoint> curve = new ArrayList<>();
          for (EpochRecord e : model.history().epochs()) {
            curve.add(new PreparedMethod.ValidationPoint(e.epoch(), e.validationNdcg(), e.epoch() == model.history().bestEpoch()));
          }
          Map<String, String> details = new LinkedHashMap<>();
          details.put("best epoch", String.valueOf(model.history().bestEpoch()));
          details.put("best validation NDCG", String.format(java.util.Locale.ROOT, "%.4f", model.history().bestValidationNdcg()));
          details.put("stopped early", String.valueOf(model.history().stoppedEarly()));
          details.put("rejected updates", String.valueOf(model.history().rejectedUpdates()));
          details.put("failed users", String.valueOf(model.history().failedUsers()));
          details.put("learned prompt", model.prompt().text());
          return new PreparedMethod(model, curve, details);
        },
        (ctx, n) -> {
          AgpOptimizer o = optimizer.apply(ctx);
          CallEstimate e = ctx.validation().isEmpty() ? o.estimate(ctx.train()) : o.estimate(ctx.train(), ctx.validation());
          return OptionalLong.of(e.totalCalls() + 2L * n);
        });
  }

  /**
   * RPP (or RPP+ when {@code options} turn {@code refine(true)} on): per-user prompts learned on
   * the training users with {@code options} applied to a builder that already has the client,
   * seed and concurrency; one RPP_RANK call per test user, and for RPP+ one RPP_REFINE call before
   * it (planned). The report lists the method, the training reward, the refined sentences kept,
   * and histograms of what was served per prompt pattern.
   *
   * @param name the row's name
   * @param options adjusts the builder; the identity for defaults
   * @return the method
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if name is blank
   */
  static Method rpp(String name, UnaryOperator<RppOptimizer.Builder> options) {
    return RppMethods.method(name, options, true);
  }

  /**
   * "RPP-untrained": the fixed prompt RPP starts from, every agent on its default action ({@link
   * RppOptimizer#untrained()}), built with the same {@code options} as the RPP it is compared
   * with (RPP+'s refinement is not applied); no training, one RPP_RANK call per test user. Put it
   * next to {@link #rpp} to see what the policy learned; the report compares them user by user.
   *
   * @param name the row's name
   * @param options adjusts the builder; the identity for defaults
   * @return the method
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if name is blank
   */
  static Method rppUntrained(String name, UnaryOperator<RppOptimizer.Builder> options) {
    return RppMethods.method(name, options, false);
  }

  /**
   * AGP's untrained control: the profile prompt AGP would start from (the SDK's default, or the
   * one {@code options} set), served as it is with no training, two calls per test user. Built
   * with the same {@code options} as the trained row so only training differs. Its kind is {@link
   * MethodKind#CONTROL}.
   *
   * @param name the row's name
   * @param options adjusts the builder; the identity for defaults
   * @return the method
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if name is blank
   */
  static Method agpUntrained(String name, UnaryOperator<AgpOptimizer.Builder> options) {
    Methods.checkName(name);
    requireNonNull(options, "options");
    return new Methods.Simple(
        name, Map.of(),
        ctx -> {
          AgpOptimizer o = requireNonNull(
                  options.apply(AgpOptimizer.builder().llm(ctx.llm()).seed(ctx.seed()).concurrency(ctx.concurrency())),
                  "options returned null")
              .build();
          Map<String, String> details = new LinkedHashMap<>();
          details.put("prompt (untrained)", o.initialPrompt().text());
          return new PreparedMethod(o.model(o.initialPrompt()), List.of(), details);
        },
        (ctx, n) -> OptionalLong.of(2L * n),
        MethodKind.CONTROL);
  }

  /** {@return the method "AGP": AGP with the paper's defaults} */
  static Method agp() {
    return agp(Methods.AGP, UnaryOperator.identity());
  }
}
