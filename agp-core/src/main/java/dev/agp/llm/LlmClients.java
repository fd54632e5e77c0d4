package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * Puts the SDK's resilience and cost controls in front of any {@link LlmClient}:
 *
 * <pre>{@code
 * LlmClient llm = LlmClients.builder(backend)
 *     .model("gpt-4o-mini")                      // names the cache entries and prices the budget
 *     .maxAttempts(5).deadline(Duration.ofMinutes(2))
 *     .requestsPerMinute(500).tokensPerMinute(200_000)
 *     .maxConcurrentCalls(8)
 *     .cacheDirectory(Path.of("llm-cache"))
 *     .budget(LlmBudget.ofCost(new BigDecimal("5.00")))
 *     .build();
 * }</pre>
 *
 * <p>A call passes, outermost first, through: the {@linkplain Builder#meter meter} (when given),
 * the {@linkplain LlmResponseCache response cache} (a hit stops here, free), the retry loop
 * (exponential backoff with full jitter, at least the server's {@code Retry-After}, within {@code
 * maxAttempts} and the {@code deadline}), then for every attempt the {@linkplain LlmBudget budget}
 * (refuses an attempt that could exceed it, charges attempts that fail after being sent), the
 * requests- and tokens-per-minute limiter and the bound on calls in flight, and finally the
 * backend. Every layer is optional; the defaults retry and bound concurrency but neither cache
 * nor limit the rate. Budgets and the limiter count prompt tokens with the {@linkplain
 * Builder#tokenCounter token counter}.
 *
 * <p>Backends through LangChain4j ({@code dev.agp.langchain4j.LlmBackends}) build this stack for
 * you. The retry layer trusts the backend's timeout for a single attempt; the deadline bounds the
 * waiting between attempts.
 */
public final class LlmClients {

  /** Attempts per call, the first included. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  /** The cap of the first backoff; it doubles with every retry. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  /** The largest backoff cap (a {@code Retry-After} may ask for more). */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  /** Time from a call's first attempt after which no retry starts. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(5);
  /**
   * Calls in flight at once: above the optimizers' default concurrency ({@code
   * AgpOptimizer.DEFAULT_CONCURRENCY}, 20), so the bound never makes a fit wait a round.
   */
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 32;
  /** Output tokens assumed for rate limits and budgets when a request sets no output cap. */
  public static final int DEFAULT_ASSUMED_OUTPUT_TOKENS = 1000;

  private LlmClients() {}

  /**
   * A builder putting the default retries and concurrency bound in front of {@code backend}.
   *
   * @param backend the client that makes the actual calls
   * @return a builder with every option at its default
   * @throws NullPointerException if backend is null
   */
  public static Builder builder(LlmClient backend) {
    return new Builder(requireNonNull(backend, "backend"));
  }

  /**
   * Options of the client stack. Setters throw {@link NullPointerException} for null and {@link
   * IllegalArgumentException} naming the option for a bad value; {@link #build()} throws {@link
   * IllegalStateException} for options that conflict.
   */
  public static final class Builder {
    private final LlmClient backend;
    private @Nullable String model;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration deadline = DEFAULT_DEADLINE;
    private long requestsPerMinute;
    private long tokensPerMinute;
    private int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;
    private int assumedOutputTokens = DEFAULT_ASSUMED_OUTPUT_TOKENS;
    private TokenCounter tokenCounter = TokenCounter.utf8Bound();
    private @Nullable LlmResponseCache cache;
    private @Nullable Path cacheDirectory;
    private PriceTable prices = PriceTable.defaults();
    private @Nullable LlmBudget budget;
    private @Nullable LlmUsageMeter meter;
    private Ticker ticker = Ticker.systemTicker();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private @Nullable Random random;

    private Builder(LlmClient backend) {
      this.backend = backend;
    }

    /**
     * The model the backend calls: part of every cache key, and the price the budget reserves at.
     * Required with a cache or a cost budget.
     *
     * @param model the model's name, as the backend sends it
     * @return this builder
     */
    public Builder model(String model) {
      requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      this.model = model;
      return this;
    }

    /**
     * Attempts per call, {@code >= 1}; 1 turns retries off (default {@value
     * LlmClients#DEFAULT_MAX_ATTEMPTS}).
     *
     * @param maxAttempts the attempts per call, the first included
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The backoff cap of the first retry, {@code > 0} (default 500 ms); each retry doubles it.
     *
     * @param backoff the first retry's backoff cap
     * @return this builder
     */
    public Builder initialBackoff(Duration backoff) {
      this.initialBackoff = positive("initialBackoff", backoff);
      return this;
    }

    /**
     * The largest backoff cap, {@code > 0} (default 30 s); must not be below initialBackoff.
     *
     * @param backoff the largest backoff cap
     * @return this builder
     */
    public Builder maxBackoff(Duration backoff) {
      this.maxBackoff = positive("maxBackoff", backoff);
      return this;
    }

    /**
     * Time from the first attempt after which no retry starts, {@code > 0} (default 5 min).
     *
     * @param deadline the time after which no retry starts
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      this.deadline = positive("deadline", deadline);
      return this;
    }

    /**
     * Requests a minute, {@code >= 1}, smoothed to bursts of one second's worth (default: no
     * limit).
     *
     * @param requests the requests allowed per minute
     * @return this builder
     */
    public Builder requestsPerMinute(long requests) {
      this.requestsPerMinute = atLeastOne("requestsPerMinute", requests);
      return this;
    }

    /**
     * Input plus output tokens a minute, {@code >= 1} (default: no limit).
     *
     * @param tokens the tokens allowed per minute
     * @return this builder
     */
    public Builder tokensPerMinute(long tokens) {
      this.tokensPerMinute = atLeastOne("tokensPerMinute", tokens);
      return this;
    }

    /**
     * Calls in flight at once, {@code >= 1} (default {@value
     * LlmClients#DEFAULT_MAX_CONCURRENT_CALLS}).
     *
     * @param calls the calls allowed in flight at once
     * @return this builder
     */
    public Builder maxConcurrentCalls(int calls) {
      this.maxConcurrentCalls = (int) atLeastOne("maxConcurrentCalls", calls);
      return this;
    }

    /**
     * Output tokens the limiter and the budget assume for a request without an output cap, {@code
     * >= 1} (default {@value LlmClients#DEFAULT_ASSUMED_OUTPUT_TOKENS}). Requests are never
     * changed: an answer longer than this to a request without a cap is charged in full, so give
     * requests a cap where a budget must hold (the SDK's own requests all have one).
     *
     * @param tokens the output tokens assumed
     * @return this builder
     */
    public Builder assumedOutputTokens(int tokens) {
      this.assumedOutputTokens = (int) atLeastOne("assumedOutputTokens", tokens);
      return this;
    }

    /**
     * How the budget and the tokens-per-minute limit count a request's prompt tokens: never fewer
     * than the backend bills (default {@link TokenCounter#utf8Bound()}; {@code LlmBackends} sets an
     * exact tokenizer for OpenAI's models).
     *
     * @param counter the counter of prompt tokens
     * @return this builder
     */
    public Builder tokenCounter(TokenCounter counter) {
      this.tokenCounter = requireNonNull(counter, "tokenCounter");
      return this;
    }

    /**
     * Answers repeated requests from {@code cache}; share one cache between clients to pool
     * answers.
     *
     * @param cache the cache, possibly shared with other clients
     * @return this builder
     */
    public Builder cache(LlmResponseCache cache) {
      this.cache = requireNonNull(cache, "cache");
      return this;
    }

    /**
     * Answers repeated requests from {@link LlmResponseCache#onDisk(Path) a disk cache} in {@code
     * directory}.
     *
     * @param directory the cache's directory, created when missing
     * @return this builder
     */
    public Builder cacheDirectory(Path directory) {
      this.cacheDirectory = requireNonNull(directory, "cacheDirectory");
      return this;
    }

    /**
     * The prices a cost budget charges at (default {@link PriceTable#defaults()}).
     *
     * @param prices the prices per model
     * @return this builder
     */
    public Builder prices(PriceTable prices) {
      this.prices = requireNonNull(prices, "prices");
      return this;
    }

    /**
     * Refuses calls that could exceed {@code budget}; share one budget between clients to pool it.
     *
     * @param budget the budget, possibly shared with other clients
     * @return this builder
     */
    public Builder budget(LlmBudget budget) {
      this.budget = requireNonNull(budget, "budget");
      return this;
    }

    /**
     * Records every call, cache hits included, in {@code meter}.
     *
     * @param meter the meter, possibly shared with other clients
     * @return this builder
     */
    public Builder meter(LlmUsageMeter meter) {
      this.meter = requireNonNull(meter, "meter");
      return this;
    }

    /**
     * The time source of the deadline and the rate limiter (tests use a fake one).
     *
     * @param ticker the time source; {@link Ticker#systemTicker()} by default
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * How backoffs and rate limits wait (tests record the waits instead).
     *
     * @param sleeper how to wait
     * @return this builder
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * The source of backoff jitter; give a seeded one for repeatable waits (default: unseeded).
     *
     * @param random the source of jitter
     * @return this builder
     */
    public Builder random(Random random) {
      this.random = requireNonNull(random, "random");
      return this;
    }

    /**
     * The client stack.
     *
     * @return the client: the layers set here, in the order above, in front of the backend
     * @throws IllegalStateException if maxBackoff is below initialBackoff; both cache and
     *     cacheDirectory are set; a cache is set without a model; or a cost budget is set and the
     *     model has no price
     * @throws java.io.UncheckedIOException if the cache directory cannot be opened
     */
    public LlmClient build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalStateException(
            "maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
      }
      if (cache != null && cacheDirectory != null) {
        throw new IllegalStateException("set either cache(...) or cacheDirectory(...), not both");
      }
      if ((cache != null || cacheDirectory != null) && model == null) {
        throw new IllegalStateException("a response cache needs model(...): it is part of every cache key");
      }
      if (budget != null && budget.maxCost().isPresent()) {
        if (model == null) {
          throw new IllegalStateException("a cost budget needs model(...) to price calls before they are made");
        }
        if (prices.priceOf(model).isEmpty()) {
          throw new IllegalStateException(
              "a cost budget needs a price for model " + model + "; add one with prices(PriceTable.defaults().with(...))");
        }
      }
      String name = model == null ? UsageReport.UNKNOWN_MODEL : model;
      LlmClient c = backend;
      c = new BoundedLlmClient(c, maxConcurrentCalls);
      if (requestsPerMinute > 0 || tokensPerMinute > 0) {
        c = new RateLimitedLlmClient(
            c, requestsPerMinute, tokensPerMinute, assumedOutputTokens, tokenCounter, ticker, sleeper);
      }
      if (budget != null) {
        // inside the retry loop: every attempt is reserved and, if billable, charged
        c = new BudgetedLlmClient(c, budget, name, prices, assumedOutputTokens, tokenCounter);
      }
      if (maxAttempts > 1) {
        c = new RetryingLlmClient(
            c, maxAttempts, initialBackoff, maxBackoff, deadline, ticker, sleeper,
            random != null ? random : new Random());
      }
      LlmResponseCache responses = cache != null ? cache : cacheDirectory != null ? LlmResponseCache.onDisk(cacheDirectory) : null;
      if (responses != null) {
        c = new CachingLlmClient(c, responses, name);
      }
      if (meter != null) {
        c = meter.wrap(c);
      }
      return c;
    }

    private static Duration positive(String name, Duration d) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0 but was " + d);
      }
      return d;
    }

    private static long atLeastOne(String name, long value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be >= 1 but was " + value);
      }
      return value;
    }
  }
}
