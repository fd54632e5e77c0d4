package dev.agp.eval.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agp.eval.Interaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MovieLens {@code ratings.csv} read with ASCII lines taken from their bytes gives exactly what
 * reading every line from its text gives: the same interactions (and one string per id), the
 * same load report with the same problems, on random files mixing clean lines with every kind of
 * line the byte path leaves to the text path.
 */
class MovieLensAsciiPathTest {

  private static final LoadOptions LENIENT = LoadOptions.defaults().withMaxMalformedRate(1.0).withMaxProblemsListed(1_000);

  private static final String[] ODD = {
    " %s , %s ,%s, %s ", // spaces around fields
    "%s,\"%s\",%s,%s", // a quoted field
    "%s,%s,%s,%s,extra", // five fields
    "%s,%s,%s", // three fields (the timestamp left out below)
    "%s,,%s,%s", // empty movie id
    " ,%s,%s,%s", // blank user id
    "%s,%s,x%s,%s", // rating not a number
    "%s,%s,%s,+%s", // a sign: only the text path reads it
    "%s,%s,%s,%s.5", // timestamp not an integer
    "%sé,%s,%s,%s", // a non-ASCII user id
    "\u001F%s,%s,%s,%s", // a control character Java counts as white space
    "%s,%s,%s.,%s", // "4." is left to Double.parseDouble
    "%s,%s,%s,123456789012345678901", // too long a timestamp
  };

  /** Movie lines of every shape (the fast three-field path and the full split), ids 40 to 59. */
  private static final String[] MOVIES = {
    "%d,\"Title, The (1995)\",Drama|Comedy",
    "%d,\"A \"\"Quoted\"\" Film (2000)\",Drama",
    "%d,Plain (2001),(no genres listed)",
    "%d,  Spaced   Out  (2002) ,Action| |Comedy",
    "%d,No Year,",
    "%d,Café (2003),Drama",
    "%d,Too,Many,Fields",
    "%d,\"Unterminated (2004),Drama",
    "%d,,Drama",
  };

  @Test
  void load_randomFiles_moviesReadAsTheFullSplitReadsThem(@TempDir Path dir) throws IOException {
    StringBuilder ratings = new StringBuilder("userId,movieId,rating,timestamp\n");
    StringBuilder movies = new StringBuilder("movieId,title,genres\n");
    for (int i = 0; i < MOVIES.length; i++) {
      ratings.append("1,").append(i).append(",4.0,").append(1_000 + i).append('\n');
      movies.append(String.format(MOVIES[i], i)).append('\n');
    }
    Files.writeString(dir.resolve("ratings.csv"), ratings.toString(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("movies.csv"), movies.toString(), StandardCharsets.UTF_8);
    Dataset d = MovieLensLoader.csv(dir.resolve("ratings.csv"), dir.resolve("movies.csv"), LENIENT, true);
    assertThat(d.items().get("0").title()).isEqualTo("Title, The (1995)");
    assertThat(d.items().get("0").attributes()).isEqualTo(java.util.Map.of("genres", "Drama, Comedy", "year", "1995"));
    assertThat(d.items().get("1").title()).isEqualTo("A \"Quoted\" Film (2000)");
    assertThat(d.items().get("2").attributes()).isEqualTo(java.util.Map.of("year", "2001"));
    assertThat(d.items().get("3").title()).isEqualTo("Spaced Out (2002)");
    assertThat(d.items().get("3").attributes()).isEqualTo(java.util.Map.of("genres", "Action, Comedy", "year", "2002"));
    assertThat(d.items().get("4").attributes()).isEmpty();
    assertThat(d.items().get("5").title()).isEqualTo("Café (2003)");
    assertThat(d.items()).doesNotContainKeys("6", "7", "8");
    assertThat(d.report().files().get(1).problems()).extracting(LoadReport.LineProblem::line).containsExactly(8L, 9L);
  }

  @Test
  void load_randomFiles_asciiPathReadsWhatTheTextPathReads(@TempDir Path dir) throws IOException {
    Random random = new Random(42);
    for (int round = 0; round < 60; round++) {
      StringBuilder sb = new StringBuilder();
      if (random.nextBoolean()) {
        sb.append(random.nextBoolean() ? "userId,movieId,rating,timestamp" : "movieId,userId,timestamp,rating").append(newline(random));
      }
      int lines = random.nextInt(400);
      int user = 1;
      for (int i = 0; i < lines; i++) {
        if (random.nextInt(5) == 0) {
          user = 1 + random.nextInt(30);
        }
        String u = random.nextInt(10) == 0 ? "u" + user : String.valueOf(user);
        String item = random.nextInt(8) == 0 ? "0" + random.nextInt(20) : String.valueOf(random.nextInt(40));
        String rating = random.nextBoolean() ? String.valueOf(1 + random.nextInt(5)) : (random.nextInt(10) / 2.0) + "";
        String time = String.valueOf(900_000_000L + random.nextInt(1_000_000));
        int kind = random.nextInt(12);
        if (kind == 0) {
          sb.append(String.format(ODD[random.nextInt(ODD.length)], u, item, rating, time));
        } else if (kind == 1) {
          sb.append(random.nextBoolean() ? "" : " \t ");
        } else {
          sb.append(u).append(',').append(item).append(',').append(rating).append(',').append(time);
        }
        sb.append(newline(random));
      }
      Files.writeString(dir.resolve("ratings.csv"), sb.toString(), StandardCharsets.UTF_8);
      StringBuilder movies = new StringBuilder("movieId,title,genres\n");
      for (int i = 0; i < 40; i++) {
        movies.append(i).append(",Film ").append(i).append(" (1999),Drama\n");
        movies.append('0').append(i).append(",Zero ").append(i).append(" (2001),Comedy\n");
      }
      for (int i = 40; i < 60; i++) {
        movies.append(String.format(MOVIES[random.nextInt(MOVIES.length)], i)).append('\n');
      }
      Files.writeString(dir.resolve("movies.csv"), movies.toString(), StandardCharsets.UTF_8);

      Dataset bytes = MovieLensLoader.csv(dir.resolve("ratings.csv"), dir.resolve("movies.csv"), LENIENT, true);
      Dataset text = MovieLensLoader.csv(dir.resolve("ratings.csv"), dir.resolve("movies.csv"), LENIENT, false);

      String where = "round " + round;
      assertThat(bytes.interactions()).as(where).isEqualTo(text.interactions());
      assertThat(bytes.items()).as(where).isEqualTo(text.items());
      assertThat(bytes.report()).as(where).isEqualTo(text.report());
      assertThat(bytes.report().files().get(0).problems()).as(where)
          .isEqualTo(text.report().files().get(0).problems());
      List<Interaction> xs = bytes.interactions();
      for (int i = 1; i < xs.size(); i++) {
        if (xs.get(i).itemId().equals(xs.get(i - 1).itemId())) {
          assertThat(xs.get(i).itemId()).as(where + ": one string per id").isSameAs(xs.get(i - 1).itemId());
        }
        if (xs.get(i).userId().equals(xs.get(i - 1).userId())) {
          assertThat(xs.get(i).userId()).as(where + ": one string per id").isSameAs(xs.get(i - 1).userId());
        }
      }
    }
  }

  private static String newline(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> "\r\n";
      case 1 -> "\r";
      default -> "\n";
    };
  }
}
