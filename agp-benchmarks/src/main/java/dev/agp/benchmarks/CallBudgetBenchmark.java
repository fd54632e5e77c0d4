package dev.agp.benchmarks;

import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.BatchRecord;
import dev.agp.FeedbackMode;
import dev.agp.eval.CandidateMode;
import dev.agp.eval.CandidateProtocol;
import dev.agp.eval.CandidateSets;
import dev.agp.eval.LeaveOneOut;
import dev.agp.eval.LooSplit;
import dev.agp.eval.data.Dataset;
import dev.agp.eval.data.Datasets;
import dev.agp.eval.recommender.Recommenders;
import dev.agp.examples.Catalogue;
import dev.agp.examples.SampleData;
import dev.agp.examples.SimulatedLlm;
import dev.agp.llm.Stage;
import dev.agp.llm.UsageReport;
import java.util.List;
import java.util.Locale;

/**
 * AGP's calls and tokens per epoch against the paper's budget: {@code (3B + 2) N / B} calls in
 * paper mode, {@code (2B + 2) N / B} in compact mode, for B = 5, 10 and 20, N = 100 training users
 * of the MovieLens sample (one epoch; validation calls reported apart). Tokens are what the
 * simulated LLM's prompts and answers measure at about four characters a token; a real model's
 * profiles and critiques are longer, so read them as the shape of the budget, not its size.
 *
 * <pre>
 * java -cp agp-benchmarks/target/benchmarks.jar dev.agp.benchmarks.CallBudgetBenchmark
 * </pre>
 */
public final class CallBudgetBenchmark {

  private CallBudgetBenchmark() {}

  public static void main(String[] args) {
    Dataset data = Datasets.movieLens(SampleData.movieLens());
    LooSplit split = LeaveOneOut.split(data.interactions());
    CandidateSets sets = CandidateProtocol.builder().trainUsers(100).validationUsers(20).testUsers(1)
        .mode(CandidateMode.BASE_WINDOW).seed(42).build().apply(data.items(), split, Recommenders.transitions(split));
    SimulatedLlm llm = SimulatedLlm.of(Catalogue.of(data.items().values()), "movie");
    int n = sets.train().size();
    System.out.printf(Locale.ROOT, "N = %d training users, 20 validation users, one epoch; %s%n%n", n, SimulatedLlm.NOTICE);
    System.out.println("| mode | B | training calls | bound | calls / bound | critiques (users not at target) "
        + "| validation calls | tokens per user (in + out) |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (FeedbackMode mode : List.of(FeedbackMode.PAPER, FeedbackMode.COMPACT)) {
      for (int b : List.of(5, 10, 20)) {
        AgpModel model = AgpOptimizer.builder().llm(llm).domain("movie").batchSize(b).epochs(1).feedbackMode(mode)
            .initialPrompt(EndToEndBenchmark.PROMPT).seed(42).build().fit(sets.train(), sets.validation());
        UsageReport training = UsageReport.EMPTY;
        for (BatchRecord r : model.history().batches()) {
          training = training.plus(r.usage());
        }
        long calls = training.total().calls();
        long batches = (n + b - 1) / b;
        // (3B + 2) N / B and (2B + 2) N / B, with a last batch possibly shorter than B
        long bound = (mode == FeedbackMode.PAPER ? 3L : 2L) * n + 2 * batches;
        long validation = model.usage().total().calls() - calls;
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %.2f | %d | %d | %.0f |%n", mode, b, calls, bound,
            (double) calls / bound, training.stage(Stage.CRITIQUE).calls(), validation,
            (double) training.total().totalTokens() / n);
      }
    }
  }
}
