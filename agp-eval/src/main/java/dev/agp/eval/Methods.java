package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import java.util.function.Function;

/** The {@link Method} implementation behind the factories. */
final class Methods {

  static final String BASE = "Base";
  static final String LLM_DIR = "LLM-Dir";
  static final String LLM_COT = "LLM-CoT";
  static final String AGP = "AGP";
  static final String AGP_UNTRAINED = "AGP-untrained";
  static final String POPULARITY_ASCENDING = "Pop. ascending";
  static final String POPULARITY_DESCENDING = "Pop. descending";
  static final String RANDOM_ORDER = "Random order";

  private Methods() {}

  static void checkName(String name) {
    requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a method name must not be blank");
    }
  }

  static final class Simple implements Method {
    private final String name;
    private final Map<String, String> parameters;
    private final Function<MethodContext, PreparedMethod> prepare;
    private final BiFunction<MethodContext, Integer, OptionalLong> plan;
    private final MethodKind kind;

    Simple(
        String name,
        Map<String, String> parameters,
        Function<MethodContext, PreparedMethod> prepare,
        BiFunction<MethodContext, Integer, OptionalLong> plan) {
      this(name, parameters, prepare, plan, MethodKind.METHOD);
    }

    Simple(
        String name,
        Map<String, String> parameters,
        Function<MethodContext, PreparedMethod> prepare,
        BiFunction<MethodContext, Integer, OptionalLong> plan,
        MethodKind kind) {
      this.kind = requireNonNull(kind, "kind");
      this.name = name;
      this.parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
      this.prepare = prepare;
      this.plan = plan;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Map<String, String> parameters() {
      return parameters;
    }

    @Override
    public MethodKind kind() {
      return kind;
    }

    @Override
    public PreparedMethod prepare(MethodContext context) {
      return requireNonNull(prepare.apply(requireNonNull(context, "context")), "prepared method");
    }

    @Override
    public OptionalLong plannedCalls(MethodContext context, int testUsers) {
      return plan.apply(requireNonNull(context, "context"), testUsers);
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
