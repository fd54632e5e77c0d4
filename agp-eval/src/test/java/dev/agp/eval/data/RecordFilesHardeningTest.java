package dev.agp.eval.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dataset files that are hostile to a line reader: one enormous line, bytes that are not UTF-8. */
class RecordFilesHardeningTest {

  private static final LoadOptions LENIENT = LoadOptions.defaults().withMaxMalformedRate(0.5);

  @TempDir Path dir;

  private Path movieLens(byte[] movies) throws IOException {
    Path d = Files.createDirectories(dir.resolve("ml"));
    Files.writeString(d.resolve("ratings.csv"),
        "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,2,4.0,964981247\n2,1,5.0,964982224\n2,3,3.0,964983815\n");
    Files.write(d.resolve("movies.csv"), movies);
    return d;
  }

  @Test
  void movieLens_titleWithBytesThatAreNotUtf8_isCountedAsMalformedNotSilentlyReplaced() throws IOException {
    ByteArrayOutputStream movies = new ByteArrayOutputStream();
    movies.write("movieId,title,genres\n1,Toy Story (1995),Animation\n2,Am".getBytes(StandardCharsets.UTF_8));
    movies.write(0xE9); // Latin-1 'é' inside a UTF-8 file
    movies.write("lie (2001),Comedy\n3,Heat (1995),Crime\n".getBytes(StandardCharsets.UTF_8));

    Dataset d = Datasets.movieLens(movieLens(movies.toByteArray()), LENIENT);

    assertThat(d.items().values()).noneMatch(i -> i.title().contains("\uFFFD"));
    LoadReport.FileReport f = d.report().files().stream()
        .filter(r -> r.file().getFileName().toString().equals("movies.csv")).findFirst().orElseThrow();
    assertThat(f.malformed()).isEqualTo(1);
    assertThat(f.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.reason()).contains("UTF-8");
    });
  }

  @Test
  void movieLens_oneLineOfMoreThanTheCap_isSkippedAndCountedWithoutReadingItWhole() throws IOException {
    Path d = movieLens("movieId,title,genres\n1,Toy Story (1995),Animation\n".getBytes(StandardCharsets.UTF_8));
    int cap = 1 << 20;
    try (OutputStream out = Files.newOutputStream(d.resolve("movies.csv"), java.nio.file.StandardOpenOption.APPEND)) {
      out.write("2,".getBytes(StandardCharsets.UTF_8));
      byte[] chunk = new byte[1 << 16];
      java.util.Arrays.fill(chunk, (byte) 'x');
      for (int i = 0; i < 3 * cap / chunk.length; i++) {
        out.write(chunk);
      }
      out.write(",Drama\n3,Heat (1995),Crime\n".getBytes(StandardCharsets.UTF_8));
    }

    Dataset data = Datasets.movieLens(d, LENIENT.withMaxLineBytes(cap));

    assertThat(data.items()).containsKeys("1", "3").doesNotContainKey("2");
    LoadReport.FileReport f = data.report().files().stream()
        .filter(r -> r.file().getFileName().toString().equals("movies.csv")).findFirst().orElseThrow();
    assertThat(f.malformed()).isEqualTo(1);
    assertThat(f.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.reason()).contains("longer than").contains(String.valueOf(cap));
    });
  }

  @Test
  void datasetFormatException_survivesSerialisation() throws Exception {
    DatasetFormatException e = new DatasetFormatException(dir.resolve("f.csv"), "bad",
        java.util.List.of(new LoadReport.LineProblem(dir.resolve("f.csv"), 7, "rating is not a number")));

    DatasetFormatException back = roundTrip(e);

    assertThat(back.file()).isEqualTo(dir.resolve("f.csv"));
    assertThat(back.problems()).isEqualTo(e.problems());
    assertThat(back.getMessage()).isEqualTo(e.getMessage());
  }

  private static DatasetFormatException roundTrip(DatasetFormatException e) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(e);
    }
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      return (DatasetFormatException) in.readObject();
    }
  }
}
