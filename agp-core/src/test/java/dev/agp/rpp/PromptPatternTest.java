package dev.agp.rpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.prompt.PromptTemplate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PromptPatternTest {

  @ParameterizedTest
  @ValueSource(strings = {"movie", "book", "business", "item"})
  void builtInSentences_paperActionSpacesWithTheDomainWord(String domain) {
    assertThat(PromptPattern.ROLE_PLAYING.builtInSentences(domain)).hasSize(5).first().isEqualTo("");
    assertThat(PromptPattern.HISTORY_RECORDS.builtInSentences(domain)).hasSize(1);
    assertThat(PromptPattern.HISTORY_INCREMENTS).containsExactly(0, 1, 2);
    assertThat(PromptPattern.REASONING_GUIDANCE.builtInSentences(domain)).hasSize(9).doesNotHaveDuplicates();
    assertThat(PromptPattern.OUTPUT_FORMAT.builtInSentences(domain)).hasSize(5).doesNotHaveDuplicates();
    for (PromptPattern p : PromptPattern.values()) {
      assertThat(p.builtInSentences(domain)).noneMatch(s -> s.contains("{{") || s.contains("\n"));
    }
    assertThat(PromptPattern.ROLE_PLAYING.builtInSentences(domain).get(1)).contains(domain + "s");
    assertThat(PromptPattern.HISTORY_RECORDS.builtInSentences(domain).get(0)).contains(domain + "s");
  }

  @Test
  void builtInSentences_blankDomain_throwsIae() {
    assertThatThrownBy(() -> PromptPattern.OUTPUT_FORMAT.builtInSentences(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("domain");
  }

  @Test
  void parseSentences_dropsCommentsAndBlankLinesAndReadsNone() {
    assertThat(PromptPattern.parseSentences("# c\n(none)\n\n  A.  \r\nB.\n")).containsExactly("", "A.", "B.");
  }

  @Test
  void parseOutputTokens_leadingBracketedCapReadAndStrippedFromTheSentence() {
    String file = "# c\n[1024] Think step by step.\nRank.\n[50]Labels only.\n[x] Odd.\n";
    assertThat(PromptPattern.parseSentences(file)).containsExactly("Think step by step.", "Rank.", "Labels only.", "[x] Odd.");
    assertThat(PromptPattern.parseOutputTokens(file)).containsExactly(1024, 0, 50, 0);
    assertThat(PromptPattern.REASONING_GUIDANCE.builtInOutputTokens()).hasSize(9).contains(0, 1024);
    assertThat(PromptPattern.REASONING_GUIDANCE.builtInSentences("movie")).noneMatch(x -> x.startsWith("["));
  }

  @Test
  void templates_builtInsUseOnlyAllowedPlaceholders() {
    for (RppTemplate t : RppTemplate.values()) {
      PromptTemplate.parse(t.name(), t.builtIn()).requirePlaceholders(t.required(), t.allowed());
    }
    assertThat(RppTemplate.RANK.builtIn()).contains("<candidates>\n{{candidates}}\n</candidates>");
    assertThat(List.of(RppTemplate.values())).hasSize(2);
  }
}
