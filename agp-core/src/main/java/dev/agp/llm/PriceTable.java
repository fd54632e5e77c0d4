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
 * @param asOf the date the prices were valid
 * @param prices price per model name
 */
public record PriceTable(LocalDate asOf, Map<String, ModelPrice> prices) {

  /** The date of the default prices. */
  public static final LocalDate DEFAULT_AS_OF = LocalDate.of(2025, 3, 1);

  private static final PriceTable DEFAULTS =
      new PriceTable(
          DEFAULT_AS_OF,
          Map.of(
              "gpt-4o", ModelPrice.of("2.50", "10.00"),
              "gpt-4o-mini", ModelPrice.of("0.15", "0.60"),
              "deepseek-chat", ModelPrice.of("0.27", "1.10")));

  /**
   * @throws NullPointerException if an argument, a name or a price is null
   * @throws IllegalArgumentException if a model name is blank
   */
  public PriceTable {
    requireNonNull(asOf, "asOf");
    TreeMap<String, ModelPrice> copy = new TreeMap<>();
    requireNonNull(prices, "prices")
        .forEach(
            (model, price) -> {
              if (requireNonNull(model, "model").isBlank()) {
                throw new IllegalArgumentException("a model name in the price table is blank");
              }
              copy.put(model, requireNonNull(price, "price of " + model));
            });
    prices = Collections.unmodifiableMap(copy);
  }

  /** List prices of gpt-4o, gpt-4o-mini and deepseek-chat on {@link #DEFAULT_AS_OF}. */
  public static PriceTable defaults() {
    return DEFAULTS;
  }

  /**
   * This table with {@code model} priced at {@code price} (added or replaced).
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the model name is blank
   */
  public PriceTable with(String model, ModelPrice price) {
    Map<String, ModelPrice> m = new TreeMap<>(prices);
    m.put(requireNonNull(model, "model"), requireNonNull(price, "price"));
    return new PriceTable(asOf, m);
  }

  /**
   * This table with another date.
   *
   * @throws NullPointerException if asOf is null
   */
  public PriceTable withAsOf(LocalDate newAsOf) {
    return new PriceTable(newAsOf, prices);
  }

  /** The price of {@code model}: exact name, else the longest table name it extends with a dash. */
  public Optional<ModelPrice> priceOf(String model) {
    requireNonNull(model, "model");
    ModelPrice exact = prices.get(model);
    if (exact != null) {
      return Optional.of(exact);
    }
    String best = null;
    for (String name : prices.keySet()) {
      if (model.startsWith(name + "-") && (best == null || name.length() > best.length())) {
        best = name;
      }
    }
    return best == null ? Optional.empty() : Optional.of(prices.get(best));
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
     * @throws NumberFormatException if a string is not a decimal number
     * @throws IllegalArgumentException if a price is negative
     */
    public static ModelPrice of(String inputPerMillion, String outputPerMillion) {
      return new ModelPrice(new BigDecimal(inputPerMillion), new BigDecimal(outputPerMillion));
    }

    /** The cost of {@code usage} in US dollars. */
    public BigDecimal cost(TokenUsage usage) {
      return inputPerMillion
          .multiply(BigDecimal.valueOf(usage.inputTokens()))
          .add(outputPerMillion.multiply(BigDecimal.valueOf(usage.outputTokens())))
          .divide(MILLION);
    }
  }
}
