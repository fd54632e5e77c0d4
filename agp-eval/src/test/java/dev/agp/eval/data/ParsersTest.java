package dev.agp.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParsersTest {

  @Test
  void pythonLiteral_amazonStyleDict_parsesEveryKind() throws Exception {
    Object v = PythonLiteral.parse(
        "{'asin': 'B0', 'title': \"It's \\\"here\\\"\", 'n': -3, 'f': 2.5e1, 'ok': True, 'no': False, 'none': None,"
            + " 'cats': [['A', 'B'], ['C']], 't': (1, 2), 's': {'x', 'y'}, 'e': {}, 'esc': 'caf\\xe9 \\u00e9 \\'q\\' \\\\',"
            + " 'cat': 'ab' 'cd', 'u': u'uni', }");
    assertThat(v).isInstanceOf(Map.class);
    Map<?, ?> m = (Map<?, ?>) v;
    assertThat(m.get("title")).isEqualTo("It's \"here\"");
    assertThat(m.get("n")).isEqualTo(-3L);
    assertThat(m.get("f")).isEqualTo(25.0);
    assertThat(m.get("ok")).isEqualTo(true);
    assertThat(m.get("no")).isEqualTo(false);
    assertThat(m.containsKey("none")).isTrue();
    assertThat(m.get("none")).isNull();
    assertThat(m.get("cats")).isEqualTo(List.of(List.of("A", "B"), List.of("C")));
    assertThat(m.get("t")).isEqualTo(List.of(1L, 2L));
    assertThat(m.get("s")).isEqualTo(List.of("x", "y"));
    assertThat(m.get("e")).isEqualTo(Map.of());
    assertThat(m.get("esc")).isEqualTo("café é 'q' \\");
    assertThat(m.get("cat")).isEqualTo("abcd");
    assertThat(m.get("u")).isEqualTo("uni");
  }

  @Test
  void pythonLiteral_broken_reportsColumn() {
    assertThatThrownBy(() -> PythonLiteral.parse("{'a': 'b'"))
        .isInstanceOf(MalformedRecord.class)
        .hasMessageContaining("column");
    assertThatThrownBy(() -> PythonLiteral.parse("{'a' 'b': 1 2}")).isInstanceOf(MalformedRecord.class);
    assertThatThrownBy(() -> PythonLiteral.parse("{'a': nan}")).hasMessageContaining("unexpected character 'n'");
    assertThatThrownBy(() -> PythonLiteral.parse("{'a': 1} trailing")).hasMessageContaining("after the literal");
  }

  /** {@link MovieLensLoader#simpleDecimal} of {@code s} placed inside other bytes. */
  private static double simpleDecimal(String s) {
    byte[] b = ("9," + s + ",9").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    return MovieLensLoader.simpleDecimal(b, 2, 2 + s.length());
  }

  @Test
  void year_randomTitles_whatTheRegularExpressionFinds() {
    java.util.regex.Pattern year = java.util.regex.Pattern.compile("\\((\\d{4})(?:[-–]\\d{0,4})?\\)\\s*$");
    String[] parts = {"(", ")", "1995", "19", "2", "-", "–", " ", "\t", "\n", "\r\n", "\u2028", "\u0085", "\u00A0",
        "Heat", "(1995)", "(2005-2010)", "(2005–)", "(a)", "٣", "((", "))", "0"};
    java.util.Random r = new java.util.Random(7);
    for (int i = 0; i < 200_000; i++) {
      String t = join(r, parts, 7);
      java.util.regex.Matcher m = year.matcher(t);
      assertThat(MovieLensLoader.year(t)).as("[%s]", t).isEqualTo(m.find() ? m.group(1) : null);
    }
    assertThat(MovieLensLoader.year("Toy Story (1995)")).isEqualTo("1995");
    assertThat(MovieLensLoader.year("Friends (1994-2004) ")).isEqualTo("1994");
    assertThat(MovieLensLoader.year("1995")).isNull();
  }

  @Test
  void digits_oneToEighteenDigitsOnly() {
    byte[] b = "x1234567890123456789x".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(Csv.digits(b, 1, 11)).isEqualTo(1234567890L);
    assertThat(Csv.digits(b, 1, 19)).isEqualTo(123456789012345678L);
    assertThat(Csv.digits(b, 1, 20)).isEqualTo(-1);
    assertThat(Csv.digits(b, 1, 1)).isEqualTo(-1);
    assertThat(Csv.digits(b, 0, 3)).isEqualTo(-1);
  }

  @Test
  void simpleDecimal_sameBitsAsParseDouble() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    for (int i = 0; i < 100_000; i++) {
      String s = r.nextInt(1_000_000_000) + (r.nextBoolean() ? "" : "." + r.nextInt(1_000_000));
      assertThat(simpleDecimal(s)).as(s).isEqualTo(Double.parseDouble(s));
    }
    for (String s : List.of("4.0", "3.5", "0.5", "5", "0.1", "0.3", "2.675", "999999999.999999")) {
      assertThat(simpleDecimal(s)).as(s).isEqualTo(Double.parseDouble(s));
    }
    for (String s : List.of("", "4.", ".5", "-1", "1e3", "1.0000001", "1234567890", "NaN", " 4")) {
      assertThat(simpleDecimal(s)).as(s).isNaN();
    }
  }

  @Test
  void csv_quotedFields_unquotesAndKeepsSeparators() throws Exception {
    assertThat(Csv.split("1,\"A, \"\"B\"\"\",c", ',')).containsExactly("1", "A, \"B\"", "c");
    assertThat(Csv.split("a,,b,", ',')).containsExactly("a", "", "b", "");
    assertThat(Csv.split("1::T::G", "::")).containsExactly("1", "T", "G");
    assertThatThrownBy(() -> Csv.split("1,\"open", ',')).hasMessageContaining("unterminated");
  }

  @Test
  void threeFields_randomLines_whatSplitGivesOrNothing() throws Exception {
    String[] parts = {",", "\"", "\"\"", "a", "Heat (1995)", " ", "é", "|", ",\"", "\",", "x, y"};
    java.util.Random r = new java.util.Random(11);
    String[] out = new String[3];
    int taken = 0;
    for (int i = 0; i < 200_000; i++) {
      String line = join(r, parts, 8);
      if (Csv.threeFields(line, out)) {
        taken++;
        assertThat(List.of(out)).as("[%s]", line).isEqualTo(Csv.split(line, ','));
      }
    }
    assertThat(taken).as("lines the fast path read").isGreaterThan(5_000);
    assertThat(Csv.threeFields("1,\"Title, The (1995)\",Drama|Comedy", out)).isTrue();
    assertThat(out).containsExactly("1", "Title, The (1995)", "Drama|Comedy");
    assertThat(Csv.threeFields("1,Heat (1995),", out)).isTrue();
    assertThat(out).containsExactly("1", "Heat (1995)", "");
    for (String line : List.of("1,\"A \"\"B\"\"\",C", "1,A,B,C", "1,\"A\"x,C", "1,\",C", "\"1\",A,C", "1,A,\"C\"", "1,A", "")) {
      assertThat(Csv.threeFields(line, out)).as("[%s]", line).isFalse();
    }
  }

  @Test
  void collapse_randomStrings_whatCollapsingEachCharacterGives() {
    String[] parts = {" ", "  ", "\t", "\n", "\u00A0", "\u2003", "\u0085", "\u007F", "\u001F", "a", "Heat", "é", "\uD83C\uDFAC", "\u3000", "\u202F", "\u2007"};
    java.util.Random r = new java.util.Random(5);
    for (int i = 0; i < 200_000; i++) {
      String s = join(r, parts, 6);
      assertThat(Titles.collapse(s)).as("[%s]", s).isEqualTo(Titles.collapseEachChar(s));
    }
    String kept = "Heat (1995)";
    assertThat(Titles.collapse(kept)).isSameAs(kept);
  }

  /** Up to {@code most - 1} of {@code parts}, drawn from {@code r}, end to end. */
  private static String join(java.util.Random r, String[] parts, int most) {
    StringBuilder sb = new StringBuilder();
    for (int k = r.nextInt(most); k > 0; k--) {
      sb.append(parts[r.nextInt(parts.length)]);
    }
    return sb.toString();
  }

  @Test
  void titles_entitiesMarkupAndSpaces_cleaned() {
    assertThat(Titles.clean("  Tom &amp; Jerry&#39;s  &quot;Show&quot;\t")).hasValue("Tom & Jerry's \"Show\"");
    assertThat(Titles.clean("<b>Bold</b>&nbsp; <i>Title</i>")).hasValue("Bold Title");
    assertThat(Titles.clean("  &nbsp; ")).isEmpty();
    assertThat(Titles.clean(null)).isEmpty();
    assertThat(Titles.clean("Caf&eacute; &apos;x&apos;")).hasValue("Café 'x'");
  }

  @Test
  void jsonRecords_notAnObject_malformed() {
    assertThatThrownBy(() -> JsonRecords.fields("[1,2]", java.util.Set.of("a"))).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> JsonRecords.fields("{\"a\": 1", java.util.Set.of("a"))).hasMessageContaining("invalid JSON");
    assertThat(Arrays.asList(JsonRecords.looksLikeJson("{\"a\":1}"), JsonRecords.looksLikeJson("{'a': 1}")))
        .containsExactly(true, false);
  }
}
