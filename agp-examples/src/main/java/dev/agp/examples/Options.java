package dev.agp.examples;

import dev.agp.eval.data.LoadOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** The option groups the commands share, as picocli mixins. */
final class Options {

  private Options() {}

  /**
   * The options given on the command line (every name of each), as opposed to those left at their
   * defaults: what "refuse options that have no effect" looks at.
   */
  static Set<String> given(CommandSpec spec) {
    Set<String> out = new HashSet<>();
    for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
      out.addAll(List.of(o.names()));
    }
    return out;
  }

  /** Where the interactions and item metadata come from, and the base recommender. */
  static final class Data {
    @Option(names = "--dataset", paramLabel = "NAME",
        description = "sample (the bundled MovieLens sample), movielens, amazon, yelp or goodreads. Default: ${DEFAULT-VALUE}.")
    String dataset = "sample";

    @Option(names = "--data", paramLabel = "PATH",
        description = "movielens: the folder with ratings.csv and movies.csv (or ratings.dat and movies.dat); "
            + "amazon/yelp: the reviews file; goodreads: the interactions file. Gzipped or not.")
    @Nullable Path data;

    @Option(names = "--items", paramLabel = "FILE",
        description = "amazon: the metadata file; yelp: the business file; goodreads: the books file.")
    @Nullable Path items;

    @Option(names = "--max-malformed-rate", paramLabel = "RATE",
        description = "Share of a file's lines that may be malformed (each is reported with its line number); "
            + "above it loading fails. 0 makes loading strict. Default: ${DEFAULT-VALUE}.")
    double maxMalformedRate = LoadOptions.DEFAULT_MAX_MALFORMED_RATE;

    @Option(names = "--candidates", paramLabel = "FILE",
        description = "Candidate lists made elsewhere (TSV: user<TAB>item<TAB>item... or user<TAB>item,item,...; "
            + "or JSON lines); replaces the base model.")
    @Nullable Path candidates;

    @Option(names = "--base", paramLabel = "MODEL",
        description = "The base recommender: lightgcn, sequential, popularity or imported. Default: ${DEFAULT-VALUE}.")
    String base = "lightgcn";

    @Option(names = "--base-epochs", paramLabel = "N", description = "Maximum LightGCN training epochs (default: LightGCN's).")
    @Nullable Integer baseEpochs;

    @Option(names = "--domain", paramLabel = "WORD",
        description = "What the items are called in prompts (default: movie, item, business or book by dataset).")
    @Nullable String domain;

    String domain() {
      if (domain != null) {
        return domain;
      }
      return switch (dataset.toLowerCase(Locale.ROOT)) {
        case "sample", "movielens" -> "movie";
        case "yelp" -> "business";
        case "goodreads" -> "book";
        default -> "item";
      };
    }

    /** The base model in use: imported when candidate lists are given. */
    String baseModel() {
      return candidates != null ? "imported" : base.toLowerCase(Locale.ROOT);
    }

    LoadOptions loadOptions() {
      return LoadOptions.defaults().withMaxMalformedRate(maxMalformedRate);
    }
  }

  /** The paper's protocol: candidate construction and user sets. */
  static final class Protocol {
    @Option(names = "--train-users", paramLabel = "N", description = "Training users. Default: ${DEFAULT-VALUE}.")
    int trainUsers = 100;

    @Option(names = "--validation-users", paramLabel = "N", description = "Validation users. Default: ${DEFAULT-VALUE}.")
    int validationUsers = 20;

    @Option(names = "--test-users", paramLabel = "N", description = "Test users. Default: ${DEFAULT-VALUE}.")
    int testUsers = 300;

    @Option(names = "--candidate-mode", paramLabel = "MODE",
        description = "paper: users whose held-out item is in the base top 10 (the paper's protocol, comparable with its "
            + "table); window: every user, the list being 10 consecutive items of the base ranking around the held-out "
            + "item (no user-blind shortcut; not comparable with the paper). Default: window with --dataset sample "
            + "(its LightGCN ranks only 39 of 610 held-out items in the top 10), paper otherwise.")
    @Nullable String candidateMode;

    @Option(names = "--allow-fewer-test-users",
        description = "Run with fewer test users when not enough are eligible (the training and validation users "
            + "and one test user must still be).")
    boolean allowFewer;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of every split, shuffle and bootstrap. Default: ${DEFAULT-VALUE}.")
    long seed = 42;

    @Option(names = "--concurrency", paramLabel = "N", description = "Users processed at once. Default: ${DEFAULT-VALUE}.")
    int concurrency = 8;

    /** The candidate mode in use: the one given, else the default for the dataset. */
    String mode(Data data) {
      if (candidateMode != null) {
        return candidateMode.toLowerCase(Locale.ROOT);
      }
      return data.dataset.equalsIgnoreCase("sample") ? "window" : "paper";
    }
  }

  /** Which methods run, and their settings. */
  static final class Methods {
    @Option(names = "--methods", paramLabel = "LIST", split = ",",
        description = "Methods besides Base and the sanity rows: llm-dir, llm-cot, agp, agp-untrained (AGP's starting "
            + "prompt, untrained), agp-permuted (AGP trained on permuted labels), rpp, rpp+ (rpp and rpp+ bring "
            + "RPP-untrained, their fixed-prompt control). Default: llm-dir,llm-cot,agp-untrained,agp,rpp.")
    List<String> methods = new ArrayList<>(List.of("llm-dir", "llm-cot", "agp-untrained", "agp", "rpp"));

    @Option(names = "--epochs", paramLabel = "N", description = "AGP epochs. Default: ${DEFAULT-VALUE}.")
    int epochs = 10;

    @Option(names = "--batch-size", paramLabel = "N", description = "AGP batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize = 10;

    @Option(names = "--history-length", paramLabel = "N", description = "History items per profile or prompt. Default: ${DEFAULT-VALUE}.")
    int historyLength = 5;

    @Option(names = "--feedback-mode", paramLabel = "MODE",
        description = "AGP feedback: paper (per-user critiques) or compact (folded into the summary). Default: ${DEFAULT-VALUE}.")
    String feedbackMode = "paper";

    @Option(names = "--initial-prompt", paramLabel = "TEXT", description = "AGP's starting profile prompt (default: the built-in one).")
    @Nullable String initialPrompt;

    @Option(names = "--show-attributes", paramLabel = "LIST", split = ",",
        description = "Item attributes shown after each title in every method's prompts, e.g. genres,year (MovieLens), "
            + "categories (Amazon, Yelp) or shelves (Goodreads). Default: none, titles only (the paper's prompts).")
    List<String> showAttributes = new ArrayList<>();

    @Option(names = "--rpp-iterations", paramLabel = "N", description = "RPP iterations over the training users. Default: ${DEFAULT-VALUE}.")
    int rppIterations = 15;

    @Option(names = "--rpp-max-history", paramLabel = "N",
        description = "Most history items RPP's history agent can show: it starts at --history-length and adds 0, 1 or 2"
            + " items a step. Default: --history-length + 15.")
    Integer rppMaxHistory;

    @Option(names = "--permutations", paramLabel = "N",
        description = "Also report LLM-Dir and LLM-CoT with position-bias control: N shuffled orders, Borda count. "
            + "Default: off.")
    int permutations = 0;

    /** The chosen methods, normalised. */
    List<String> chosen() {
      return methods.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).toList();
    }
  }

  /** The LLM backend. */
  static final class Backend {
    @Option(names = "--backend", paramLabel = "NAME",
        description = "openai, deepseek, compatible (Ollama, vLLM, a llama.cpp server) or simulated (offline). "
            + "Default: ${DEFAULT-VALUE}.")
    String backend = "openai";

    @Option(names = "--model", paramLabel = "NAME",
        description = "The model (default: gpt-4o-mini for openai, deepseek-chat for deepseek).")
    @Nullable String model;

    @Option(names = "--base-url", paramLabel = "URL",
        description = "For --backend compatible: the server's OpenAI-compatible base URL, "
            + "e.g. http://localhost:11434/v1 (its key, if it needs one, in AGP_API_KEY).")
    @Nullable String baseUrl;

    String name() {
      return backend.toLowerCase(Locale.ROOT);
    }
  }

  /** What protects the bill: the cache, the checkpoint and the budget. */
  static final class Spending {
    @Option(names = "--cache", paramLabel = "DIR",
        description = "Keep every answer on disk here; a rerun makes no paid call for an answer already received.")
    @Nullable Path cache;

    @Option(names = "--checkpoint", paramLabel = "DIR",
        description = "Checkpoint AGP and RPP training here after every batch; a rerun resumes.")
    @Nullable Path checkpoint;

    @Option(names = "--budget-tokens", paramLabel = "N",
        description = "Stop cleanly before the experiment spends more tokens than this, counting what earlier runs "
            + "spent (the spend ledger in the --checkpoint, else --cache, else --output folder).")
    @Nullable Long budgetTokens;

    @Option(names = "--budget-usd", paramLabel = "AMOUNT",
        description = "Stop cleanly before the experiment spends more than this, in US dollars at list prices, "
            + "counting what earlier runs spent.")
    java.math.@Nullable BigDecimal budgetUsd;

    boolean budgeted() {
      return budgetTokens != null || budgetUsd != null;
    }
  }

  /** How calls are made and when the run gives up. */
  static final class Calls {
    @Option(names = "--timeout-seconds", paramLabel = "N", description = "Per-call timeout. Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds = 60;

    @Option(names = "--max-failure-rate", paramLabel = "RATE",
        description = "Share of users whose LLM calls may fail (per training batch, per validation pass, and among "
            + "the test users, who are then scored with the base order) before the run fails. Default: ${DEFAULT-VALUE}.")
    double maxFailureRate = 0.1;
  }
}
