package dev.agp.llm;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Prices of models in US dollars per million tokens, as of a date. The {@linkplain #defaults()
 * defaults} are the providers' list prices on {@link #DEFAULT_AS_OF} (standard tier, no provider
 * cache discount); prices change, so override them with {@link #with} for current figures.
 *
 * <p>{@link #priceOf} matches a model exactly, or by the longest name in the table that the model
 * name extends with a dash: {@code gpt-4o-mini-2024-07-18} is priced as {@code gpt-4o-mini}.
 *
 * <p><b>Batch prices.</b> Providers with a batch endpoint (OpenAI's Batch API: half the price per
 * token, answers within a completion window) have a second price per model, {@link #batchPriceOf}.
 * Usage of batch calls is recorded under the model's {@linkplain #batchTier batch-tier name}
 * ({@code gpt-4o-mini-2024-07-18[batch]}), which {@link #priceOf} prices at the batch price, so a
 * {@link UsageReport} or a budget charges batch and standard calls each at their own price.
 *
 * @param asOf the date the prices were valid
 * @param prices price per model name
 * @param batchPrices batch-endpoint price per model name (models without a batch endpoint absent)
 */
public record PriceTable(LocalDate asOf, Map<String, ModelPrice> prices, Map<String, ModelPrice> batchPrices) {

  /** The date of the default prices. */
  public static final LocalDate DEFAULT_AS_OF = LocalDate.of(2025, 3, 1);

  /** What {@link #batchTier} appends to a model name. */
  public static final String BATCH_SUFFIX = "[batch]";

  private static final PriceTable DEFAULTS =
      new PriceTable(
          DEFAULT_AS_OF,
          Map.of(
              "gpt-4o", ModelPrice.of("2.50", "10.00"),
              "gpt-4o-mini", ModelPrice.of("0.15", "0.60"),
              "deepseek-chat", ModelPrice.of("0.27", "1.10")),
          Map.of(
              "gpt-4o", ModelPrice.of("1.25", "5.00"),
              "gpt-4o-mini", ModelPrice.of("0.075", "0.30")));

  /**
   * @param asOf the date the prices were valid
   * @param prices price per model name
   * @param batchPrices batch-endpoint price per model name (models without a batch endpoint absent)
   * @throws NullPointerException if an argument, a name or a price is null
   * @throws IllegalArgumentException if a model name is blank or ends with {@link #BATCH_SUFFIX}
   */
  public PriceTable {
    requireNonNull(asOf, "asOf");
    prices = copy(requireNonNull(prices, "prices"));
    batchPrices = copy(requireNonNull(batchPrices, "batchPrices"));
  }

  /**
   * A table without batch prices.
   *
   * @param asOf the date the prices were valid
   * @param prices price per model name
   * @throws NullPointerException if an argument, a name or a price is null
   * @throws IllegalArgumentException if a model name is blank or ends with {@link #BATCH_SUFFIX}
   */
  public PriceTable(LocalDate asOf, Map<String, ModelPrice> prices) {
    this(asOf, prices, Map.of());
  }

  private static Map<String, ModelPrice> copy(Map<String, ModelPrice> prices) {
    TreeMap<String, ModelPrice> copy = new TreeMap<>();
    prices.forEach(
        (model, price) -> {
          if (requireNonNull(model, "model").isBlank()) {
            throw new IllegalArgumentException("a model name in the price table is blank");
          }
          if (model.endsWith(BATCH_SUFFIX)) {
            throw new IllegalArgumentException(
                "model " + model + ": give batch prices with withBatch(...), not a " + BATCH_SUFFIX + " name");
          }
          copy.put(model, requireNonNull(price, "price of " + model));
        });
    return Collections.unmodifiableMap(copy);
  }

  /**
   * List prices of gpt-4o, gpt-4o-mini and deepseek-chat on {@link #DEFAULT_AS_OF}, and the Batch
   * API prices (half) of gpt-4o and gpt-4o-mini; DeepSeek has no batch endpoint.
   *
   * @return the default table
   */
  public static PriceTable defaults() {
    return DEFAULTS;
  }

  /**
   * The name under which usage of {@code model}'s batch calls is recorded and priced.
   *
   * @param model the model's name
   * @return the batch-tier name
   * @throws NullPointerException if model is null
   */
  public static String batchTier(String model) {
    requireNonNull(model, "model");
    return isBatchTier(model) ? model : model + BATCH_SUFFIX;
  }

  /**
   * Whether {@code model} is a {@linkplain #batchTier batch-tier name}.
   *
   * @param model a model name
   * @return true for a batch-tier name
   * @throws NullPointerException if model is null
   */
  public static boolean isBatchTier(String model) {
    return requireNonNull(model, "model").endsWith(BATCH_SUFFIX);
  }

  /**
   * This table with {@code model} priced at {@code price} (added or replaced).
   *
   * @param model the model's name
   * @param price its price
   * @return the new table
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the model name is blank
   */
  public PriceTable with(String model, ModelPrice price) {
    Map<String, ModelPrice> m = new TreeMap<>(prices);
    m.put(requireNonNull(model, "model"), requireNonNull(price, "price"));
    return new PriceTable(asOf, m, batchPrices);
  }

  /**
   * This table with {@code model}'s batch-endpoint price set to {@code price} (added or replaced).
   *
   * @param model the model's name
   * @param price its batch price
   * @return the new table
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the model name is blank
   */
  public PriceTable withBatch(String model, ModelPrice price) {
    Map<String, ModelPrice> m = new TreeMap<>(batchPrices);
    m.put(requireNonNull(model, "model"), requireNonNull(price, "price"));
    return new PriceTable(asOf, prices, m);
  }

  /**
   * This table with another date.
   *
   * @param newAsOf the date the prices were checked
   * @return the new table
   * @throws NullPointerException if asOf is null
   */
  public PriceTable withAsOf(LocalDate newAsOf) {
    return new PriceTable(newAsOf, prices, batchPrices);
  }

  /**
   * The highest input price and the highest output price among {@code model} (when priced) and
   * every model of this table: what a budget reserves a call at, since a server may answer with
   * a pricier model than asked.
   *
   * @param model the model a call asks for
   * @return the ceiling (zero prices for an empty table and an unpriced model)
   * @throws NullPointerException if model is null
   */
  public ModelPrice ceiling(String model) {
    BigDecimal in = BigDecimal.ZERO;
    BigDecimal out = BigDecimal.ZERO;
    for (ModelPrice p : prices.values()) {
      in = in.max(p.inputPerMillion());
      out = out.max(p.outputPerMillion());
    }
    Optional<ModelPrice> own = priceOf(model);
    if (own.isPresent()) {
      in = in.max(own.get().inputPerMillion());
      out = out.max(own.get().outputPerMillion());
    }
    return new ModelPrice(in, out);
  }

  /**
   * The price of {@code model}: exact name, else the longest table name it extends with a dash; a
   * {@linkplain #batchTier batch-tier name} is priced by {@link #batchPriceOf} of its model.
   *
   * @param model the model's name, as the backend reports it
   * @return the price, or empty when the table has none
   * @throws NullPointerException if model is null
   */
  public Optional<ModelPrice> priceOf(String model) {
    requireNonNull(model, "model");
    if (isBatchTier(model)) {
      return batchPriceOf(model.substring(0, model.length() - BATCH_SUFFIX.length()));
    }
    return lookup(prices, model);
  }

  /**
   * The batch-endpoint price of {@code model}, matched like {@link #priceOf}; empty when the table
   * knows no batch price for it.
   *
   * @param model the model's name, as the backend reports it
   * @return the batch price, or empty
   * @throws NullPointerException if model is null
   */
  public Optional<ModelPrice> batchPriceOf(String model) {
    requireNonNull(model, "model");
    return lookup(batchPrices, isBatchTier(model) ? model.substring(0, model.length() - BATCH_SUFFIX.length()) : model);
  }

  private static Optional<ModelPrice> lookup(Map<String, ModelPrice> table, String model) {
    ModelPrice exact = table.get(model);
    if (exact != null) {
      return Optional.of(exact);
    }
    String best = null;
    for (String name : table.keySet()) {
      if (model.startsWith(name + "-") && (best == null || name.length() > best.length())) {
        best = name;
      }
    }
    return best == null ? Optional.empty() : Optional.of(table.get(best));
  }

  /**
   * The price of a model in US dollars per million tokens.
   *
   * @param inputPerMillion price of a million prompt tokens
   * @param outputPerMillion price of a million completion tokens
   */
  public record ModelPrice(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /**
     * @param inputPerMillion price of a million prompt tokens
     * @param outputPerMillion price of a million completion tokens
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a price is negative
     */
    public ModelPrice {
      requireNonNull(inputPerMillion, "inputPerMillion");
      requireNonNull(outputPerMillion, "outputPerMillion");
      if (inputPerMillion.signum() < 0 || outputPerMillion.signum() < 0) {
        throw new IllegalArgumentException(
            "prices must be >= 0 but were " + inputPerMillion + " and " + outputPerMillion);
      }
    }

    /**
     * A price from decimal strings, for example {@code ModelPrice.of("0.15", "0.60")}.
     *
     * @param inputPerMillion the price of a million input tokens, in US dollars
     * @param outputPerMillion the price of a million output tokens, in US dollars
     * @return the price
     * @throws NumberFormatException if a string is not a decimal number
     * @throws IllegalArgumentException if a price is negative
     */
    public static ModelPrice of(String inputPerMillion, String outputPerMillion) {
      return new ModelPrice(new BigDecimal(inputPerMillion), new BigDecimal(outputPerMillion));
    }

    /**
     * The cost of {@code usage} in US dollars.
     *
     * @param usage the input and output tokens to price
     * @return the cost
     */
    public BigDecimal cost(TokenUsage usage) {
      return inputPerMillion
          .multiply(BigDecimal.valueOf(usage.inputTokens()))
          .add(outputPerMillion.multiply(BigDecimal.valueOf(usage.outputTokens())))
          .divide(MILLION);
    }
  }
}
