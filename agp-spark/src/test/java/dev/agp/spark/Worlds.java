package dev.agp.spark;

import dev.agp.AgpModel;
import dev.agp.AgpOptimizer;
import dev.agp.Item;
import dev.agp.ProfilePrompt;
import dev.agp.UserCase;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import dev.agp.llm.Stage;
import dev.agp.rpp.RppModel;
import dev.agp.rpp.RppOptimizer;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Users, saved models and the LLM answering them, for the Spark tests. */
final class Worlds {

  private static final Pattern CANDIDATE = Pattern.compile("(?m)^\\[([A-Z]{1,2})] ");

  /** The cases' schema the job reads. */
  static final StructType CASES = new StructType()
      .add("user", DataTypes.StringType)
      .add("history", DataTypes.createArrayType(CaseRows.ITEM))
      .add("candidates", DataTypes.createArrayType(CaseRows.ITEM));

  private Worlds() {}

  /** GenreWorld's users: one favourite genre each, ten candidates, one of that genre. */
  static List<UserCase> users(int n) {
    return GenreWorld.users("u", n, 17).stream()
        .map(u -> UserCase.forServing(u.userId(), u.history(), u.candidates()))
        .toList();
  }

  /**
   * Answers AGP's PROFILE and RERANK prompts as GenreWorld does, and RPP's ranking prompt with the
   * labels in reverse order. Deterministic; records nothing.
   */
  static LlmClient answers() {
    ScriptedLlmClient genre = GenreWorld.llm()
        .on(Stage.RPP_RANK, Worlds::reversed)
        .build();
    return request -> {
      LlmResponse r = genre.complete(request);
      genre.clearRequests();
      return r;
    };
  }

  private static String reversed(LlmRequest r) {
    Matcher m = CANDIDATE.matcher(r.lastUserText());
    List<String> labels = new ArrayList<>();
    while (m.find()) {
      labels.add(0, m.group(1));
    }
    return "<ranking>" + String.join(", ", labels) + "</ranking>";
  }

  /** Counts the answers given per distinct request: repeats are paid twice. */
  static final class Counting implements LlmClient {
    private final LlmClient delegate;
    final Map<String, AtomicInteger> byRequest = new ConcurrentHashMap<>();

    Counting(LlmClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public LlmResponse complete(LlmRequest request) {
      byRequest.computeIfAbsent(request.messages().toString(), k -> new AtomicInteger()).incrementAndGet();
      return delegate.complete(request);
    }

    int total() {
      return byRequest.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    int repeats() {
      return byRequest.values().stream().mapToInt(a -> a.get() - 1).sum();
    }
  }

  /** An AGP model whose prompt names the favourite genre, saved to {@code file}. */
  static AgpModel agp(Path file) {
    AgpModel model = AgpOptimizer.builder().llm(answers()).domain("movie").build()
        .model(new ProfilePrompt("Name the favourite genre of the user."));
    model.save(file);
    return model;
  }

  /** An RPP model trained briefly on the world, saved to {@code file}. */
  static RppModel rpp(Path file) {
    RppModel model = RppOptimizer.builder().llm(answers()).domain("movie").iterations(2).batchSize(4).seed(5)
        .build().fit(GenreWorld.users("t", 8, 3));
    model.save(file);
    return model;
  }

  /** The cases as the job's input table. */
  static Dataset<Row> table(SparkSession spark, List<UserCase> users) {
    List<Row> rows = new ArrayList<>();
    for (UserCase u : users) {
      rows.add(RowFactory.create(u.userId(), items(u.history()), items(u.candidates())));
    }
    return spark.createDataFrame(rows, CASES);
  }

  static List<Row> items(List<Item> items) {
    return items.stream().map(i -> RowFactory.create(i.id(), i.title(), i.attributes())).toList();
  }
}
