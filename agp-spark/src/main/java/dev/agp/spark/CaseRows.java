package dev.agp.spark;

import static java.util.Objects.requireNonNull;

import dev.agp.Item;
import dev.agp.ProfileKey;
import dev.agp.Ranking;
import dev.agp.RepairStats;
import dev.agp.UserCase;
import dev.agp.UserProfile;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.jspecify.annotations.Nullable;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The tables of the reranking job: the cases it reads and the rankings it writes, and the
 * conversions between their rows and agp-core's types.
 */
final class CaseRows implements Serializable {

  private static final long serialVersionUID = 1L;

  static final String USER = "user";
  static final String HISTORY = "history";
  static final String CANDIDATES = "candidates";
  static final String PROFILE = "profile";
  static final String HISTORY_FINGERPRINT = "history_fingerprint";
  static final String PROMPT_FINGERPRINT = "prompt_fingerprint";
  /** The candidate of a profile-only case: a profile reads only the history. */
  private static final List<Item> NO_CANDIDATES = List.of(Item.of("-", "-"));

  /** {@code struct<id: string, title: string, attributes: map<string, string>>}; attributes optional. */
  static final StructType ITEM = new StructType()
      .add("id", DataTypes.StringType)
      .add("title", DataTypes.StringType)
      .add("attributes", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));

  /** The cases' columns the job reads, as a schema for sources that need one (JSON lines). */
  static final StructType INPUT = new StructType()
      .add(USER, DataTypes.StringType)
      .add(HISTORY, DataTypes.createArrayType(ITEM))
      .add(CANDIDATES, DataTypes.createArrayType(ITEM));

  /** The repair statistics of a ranking. */
  static final StructType REPAIR = new StructType()
      .add("method", DataTypes.StringType, false)
      .add("recognised", DataTypes.IntegerType, false)
      .add("duplicates", DataTypes.IntegerType, false)
      .add("unknown", DataTypes.IntegerType, false)
      .add("appended", DataTypes.IntegerType, false);

  /** What the job writes, one row per input row. */
  static final StructType OUTPUT = new StructType()
      .add(USER, DataTypes.StringType)
      .add("ranking", DataTypes.createArrayType(DataTypes.StringType, false))
      .add("fallback", DataTypes.BooleanType)
      .add("repair", REPAIR)
      .add("calls", DataTypes.IntegerType, false)
      .add("cached_calls", DataTypes.IntegerType, false)
      .add("input_tokens", DataTypes.LongType, false)
      .add("output_tokens", DataTypes.LongType, false)
      .add("profile_reused", DataTypes.BooleanType, false)
      .add("error", DataTypes.StringType);

  /** What the profile job writes, one row per input row. */
  static final StructType PROFILES = new StructType()
      .add(USER, DataTypes.StringType)
      .add(HISTORY_FINGERPRINT, DataTypes.StringType)
      .add(PROMPT_FINGERPRINT, DataTypes.StringType)
      .add(PROFILE, DataTypes.StringType)
      .add("calls", DataTypes.IntegerType, false)
      .add("cached_calls", DataTypes.IntegerType, false)
      .add("input_tokens", DataTypes.LongType, false)
      .add("output_tokens", DataTypes.LongType, false)
      .add("error", DataTypes.StringType);

  private final int user;
  private final int history;
  private final int candidates;
  private final ItemFields historyItems;
  private final @Nullable ItemFields candidateItems;
  /** The profile, history_fingerprint and prompt_fingerprint columns, or -1 when the input has none. */
  private final int profile;
  private final int historyFingerprint;
  private final int promptFingerprint;

  /** Where an item struct keeps its fields; attributes is -1 when absent. */
  private record ItemFields(int id, int title, int attributes) implements Serializable {}

  private CaseRows(
      int user, int history, int candidates, ItemFields historyItems, @Nullable ItemFields candidateItems,
      int[] profile) {
    this.user = user;
    this.history = history;
    this.candidates = candidates;
    this.historyItems = historyItems;
    this.candidateItems = candidateItems;
    this.profile = profile[0];
    this.historyFingerprint = profile[1];
    this.promptFingerprint = profile[2];
  }

  /**
   * Checks the cases' schema and remembers where the columns are.
   *
   * @throws IllegalArgumentException naming the column and the expected type if the schema does
   *     not fit
   */
  static CaseRows of(StructType schema) {
    return of(schema, true);
  }

  /**
   * Checks the schema of users whose profiles are written: the candidates may be left out.
   *
   * @throws IllegalArgumentException as {@link #of(StructType)}
   */
  static CaseRows forProfiles(StructType schema) {
    return of(schema, false);
  }

  private static CaseRows of(StructType schema, boolean candidatesRequired) {
    requireNonNull(schema, "schema");
    int u = column(schema, USER);
    if (!(schema.fields()[u].dataType() instanceof org.apache.spark.sql.types.StringType)) {
      throw new IllegalArgumentException(
          "the column " + USER + " must be a string but is " + schema.fields()[u].dataType().simpleString());
    }
    int h = column(schema, HISTORY);
    List<String> names = List.of(schema.fieldNames());
    int c = candidatesRequired || names.contains(CANDIDATES) ? column(schema, CANDIDATES) : -1;
    int[] profile = {-1, -1, -1};
    if (candidatesRequired && names.contains(PROFILE)) {
      String[] cols = {PROFILE, HISTORY_FINGERPRINT, PROMPT_FINGERPRINT};
      for (int i = 0; i < cols.length; i++) {
        if (!names.contains(cols[i])) {
          throw new IllegalArgumentException("the cases have a " + PROFILE + " column but no " + cols[i]
              + ": join the profile job's output (" + PROFILE + ", " + HISTORY_FINGERPRINT + ", " + PROMPT_FINGERPRINT
              + ") to use written profiles");
        }
        profile[i] = column(schema, cols[i]);
        if (!schema.fields()[profile[i]].dataType().equals(DataTypes.StringType)) {
          throw new IllegalArgumentException("the column " + cols[i] + " must be a string but is "
              + schema.fields()[profile[i]].dataType().simpleString());
        }
      }
    }
    return new CaseRows(u, h, c, checkItems(schema.fields()[h]), c < 0 ? null : checkItems(schema.fields()[c]), profile);
  }

  /** Whether the rows carry written profiles. */
  boolean hasProfiles() {
    return profile >= 0;
  }

  /** The written profile of a row when it was written for exactly this history and prompt. */
  @Nullable UserProfile profile(Row row, ProfileKey current) {
    if (profile < 0 || row.isNullAt(profile) || row.isNullAt(historyFingerprint) || row.isNullAt(promptFingerprint)) {
      return null;
    }
    if (!current.historyFingerprint().equals(row.getString(historyFingerprint))
        || !current.promptFingerprint().equals(row.getString(promptFingerprint))) {
      return null;
    }
    return new UserProfile(current.userId(), row.getString(profile));
  }

  static String expected() {
    return USER + ": string, " + HISTORY + " and " + CANDIDATES + ": array<" + ITEM.simpleString()
        + "> (attributes optional; history oldest first, candidates best first)";
  }

  private static int column(StructType schema, String name) {
    for (int i = 0; i < schema.fields().length; i++) {
      if (schema.fields()[i].name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "the cases have no column " + name + " (columns: " + String.join(", ", schema.fieldNames()) + "); expected "
            + expected());
  }

  private static ItemFields checkItems(StructField f) {
    DataType t = f.dataType();
    if (t instanceof ArrayType a && a.elementType() instanceof StructType s) {
      int id = -1;
      int title = -1;
      int attributes = -1;
      for (int i = 0; i < s.fields().length; i++) {
        StructField e = s.fields()[i];
        switch (e.name()) {
          case "id" -> id = e.dataType().equals(DataTypes.StringType) ? i : -1;
          case "title" -> title = e.dataType().equals(DataTypes.StringType) ? i : -1;
          case "attributes" -> {
            if (!(e.dataType() instanceof MapType m && m.keyType().equals(DataTypes.StringType)
                && m.valueType().equals(DataTypes.StringType))) {
              throw new IllegalArgumentException(
                  "the field " + f.name() + ".attributes must be a map<string,string> but is " + e.dataType().simpleString());
            }
            attributes = i;
          }
          default -> { }
        }
      }
      if (id >= 0 && title >= 0) {
        return new ItemFields(id, title, attributes);
      }
    }
    throw new IllegalArgumentException(
        "the column " + f.name() + " must be an array<" + ITEM.simpleString() + "> (attributes optional) but is "
            + t.simpleString());
  }

  /** The user id of a row, or null when the row has none. */
  @Nullable String userOf(Row row) {
    return row.isNullAt(user) ? null : row.getString(user);
  }

  /**
   * The serving case of a row.
   *
   * @throws IllegalArgumentException naming the user and the field if the row is not a valid case
   */
  UserCase toCase(Row row) {
    String id = userOf(row);
    if (id == null) {
      throw new IllegalArgumentException("a row has no user id");
    }
    List<Item> h = row.isNullAt(history) ? List.of() : items(id, HISTORY, row.getList(history), historyItems);
    if (candidateItems == null) {
      return new UserCase(id, h, NO_CANDIDATES, Set.of());
    }
    if (row.isNullAt(candidates)) {
      throw new IllegalArgumentException("user " + id + ": " + CANDIDATES + " is null");
    }
    List<Item> c = items(id, CANDIDATES, row.getList(candidates), candidateItems);
    return new UserCase(id, h, c, Set.of());
  }

  private static List<Item> items(String user, String field, List<Row> rows, ItemFields f) {
    List<Item> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      if (r == null) {
        throw new IllegalArgumentException("user " + user + ": " + field + "[" + i + "] is null");
      }
      String id = r.isNullAt(f.id()) ? null : r.getString(f.id());
      String title = r.isNullAt(f.title()) ? null : r.getString(f.title());
      if (id == null || title == null) {
        throw new IllegalArgumentException("user " + user + ": " + field + "[" + i + "] has no " + (id == null ? "id" : "title"));
      }
      Map<String, String> attributes = Map.of();
      if (f.attributes() >= 0 && !r.isNullAt(f.attributes())) {
        attributes = r.getJavaMap(f.attributes());
      }
      try {
        out.add(new Item(id, title, attributes));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("user " + user + ": " + field + "[" + i + "]: " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** Usage of one user's reranking. */
  record Usage(int calls, int cachedCalls, long inputTokens, long outputTokens) {}

  /** The output row of a reranked user. */
  static Row ranked(Ranking r, Usage u, boolean profileReused) {
    RepairStats s = r.repair();
    return RowFactory.create(
        r.userId(), CollectionConverters.asScala(r.itemIds()).toSeq(), r.fallback(),
        RowFactory.create(s.method().name(), s.recognised(), s.duplicates(), s.unknown(), s.appended()),
        u.calls(), u.cachedCalls(), u.inputTokens(), u.outputTokens(), profileReused, null);
  }

  /** The output row of an input row that is not a valid case. */
  static Row invalid(@Nullable String user, String error) {
    return RowFactory.create(user, null, null, null, 0, 0, 0L, 0L, false, error);
  }

  /** The profile job's row of a user: the profile, or null and the reason it could not be written. */
  static Row profiled(ProfileKey key, @Nullable UserProfile profile, Usage u, @Nullable String error) {
    return RowFactory.create(key.userId(), key.historyFingerprint(), key.promptFingerprint(),
        profile == null ? null : profile.text(), u.calls(), u.cachedCalls(), u.inputTokens(), u.outputTokens(), error);
  }

  /** The profile job's row of an input row that is not a valid user. */
  static Row invalidProfile(@Nullable String user, String error) {
    return RowFactory.create(user, null, null, null, 0, 0, 0L, 0L, error);
  }
}
