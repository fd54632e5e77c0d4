package dev.agp.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.eval.LooSplit.UserSplit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaveOneOutTest {

  static Interaction x(String user, String item, long seconds) {
    return new Interaction(user, item, 4.0, Instant.ofEpochSecond(seconds));
  }

  private static List<String> items(List<Interaction> xs) {
    return xs.stream().map(Interaction::itemId).toList();
  }

  private static UserSplit user(LooSplit s, String id) {
    return s.users().stream().filter(u -> u.userId().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void split_unsortedInput_lastIsTestSecondLastValidation() {
    LooSplit s = LeaveOneOut.split(List.of(x("u", "c", 30), x("u", "a", 10), x("u", "d", 40), x("u", "b", 20)));
    UserSplit u = user(s, "u");
    assertThat(items(u.train())).containsExactly("a", "b");
    assertThat(u.validation()).map(Interaction::itemId).hasValue("c");
    assertThat(u.test()).map(Interaction::itemId).hasValue("d");
    assertThat(items(u.historyBeforeTest())).containsExactly("a", "b", "c");
  }

  @Test
  void split_equalTimestamps_keepInputOrder() {
    LooSplit s = LeaveOneOut.split(List.of(x("u", "a", 5), x("u", "b", 5), x("u", "z", 1), x("u", "c", 5)));
    UserSplit u = user(s, "u");
    assertThat(items(u.train())).containsExactly("z", "a");
    assertThat(u.validation()).map(Interaction::itemId).hasValue("b");
    assertThat(u.test()).map(Interaction::itemId).hasValue("c");
  }

  @Test
  void split_fewerThanThree_trainingOnlyAndCounted() {
    LooSplit s = LeaveOneOut.split(List.of(x("a", "i1", 1), x("a", "i2", 2), x("b", "i1", 1), x("b", "i2", 2), x("b", "i3", 3)));
    assertThat(user(s, "a").test()).isEmpty();
    assertThat(user(s, "a").validation()).isEmpty();
    assertThat(items(user(s, "a").train())).containsExactly("i1", "i2");
    assertThat(s.report().trainingOnlyUsers()).isEqualTo(1);
    assertThat(s.report().splitUsers()).isEqualTo(1);
    assertThat(s.report().trainInteractions()).isEqualTo(3);
    assertThat(s.evaluableUsers()).extracting(UserSplit::userId).containsExactly("b");
    assertThat(items(s.trainInteractions())).containsExactly("i1", "i2", "i1");
  }

  @Test
  void apply_higherMinimum_moreTrainingOnlyUsers() {
    List<Interaction> xs = List.of(x("a", "1", 1), x("a", "2", 2), x("a", "3", 3), x("a", "4", 4));
    assertThat(LeaveOneOut.builder().minInteractions(5).build().apply(xs).report().trainingOnlyUsers()).isEqualTo(1);
    assertThat(LeaveOneOut.builder().minInteractions(4).build().apply(xs).report().splitUsers()).isEqualTo(1);
  }

  @Test
  void split_repeatedPair_keepLastByDefault() {
    List<Interaction> xs = List.of(x("u", "a", 1), x("u", "b", 2), x("u", "a", 3), x("u", "c", 4), x("u", "d", 5));
    LooSplit s = LeaveOneOut.split(xs);
    assertThat(items(user(s, "u").train())).containsExactly("b", "a");
    assertThat(user(s, "u").validation()).map(Interaction::itemId).hasValue("c");
    assertThat(s.report().duplicatesRemoved()).isEqualTo(1);
  }

  @Test
  void apply_keepFirst_dropsLaterRepeats() {
    List<Interaction> xs = List.of(x("u", "a", 1), x("u", "b", 2), x("u", "a", 3), x("u", "c", 4), x("u", "d", 5));
    LooSplit s = LeaveOneOut.builder().duplicates(DuplicatePolicy.KEEP_FIRST).build().apply(xs);
    assertThat(items(user(s, "u").train())).containsExactly("a", "b");
    assertThat(s.report().duplicatesRemoved()).isEqualTo(1);
  }

  @Test
  void apply_keepAll_keepsRepeats() {
    List<Interaction> xs = List.of(x("u", "a", 1), x("u", "b", 2), x("u", "a", 3));
    LooSplit s = LeaveOneOut.builder().duplicates(DuplicatePolicy.KEEP_ALL).build().apply(xs);
    assertThat(items(user(s, "u").train())).containsExactly("a");
    assertThat(user(s, "u").test()).map(Interaction::itemId).hasValue("a");
    assertThat(s.report().duplicatesRemoved()).isZero();
  }

  @Test
  void apply_kCore_removesIterativelyAndCounts() {
    // item "rare" has one interaction; removing it leaves user "v" with 1, which then removes "v"
    // and takes item "x" below 2 as well
    List<Interaction> xs = new ArrayList<>(Arrays.asList(
        x("u", "a", 1), x("u", "b", 2), x("u", "x", 3),
        x("w", "a", 1), x("w", "b", 2),
        x("v", "rare", 1), x("v", "x", 2)));
    LooSplit s = LeaveOneOut.builder().kCore(2).build().apply(xs);
    assertThat(s.users()).extracting(UserSplit::userId).containsExactly("u", "w");
    assertThat(items(user(s, "u").train())).containsExactly("a", "b");
    assertThat(s.report().kCoreRemovedInteractions()).isEqualTo(3);
    assertThat(s.report().kCoreRemovedUsers()).isEqualTo(1);
    assertThat(s.report().kCoreRemovedItems()).isEqualTo(2);
    assertThat(s.report().kCoreRounds()).isGreaterThanOrEqualTo(2);
    assertThat(s.report().trainingOnlyUsers()).isEqualTo(2);
  }

  @Test
  void split_usersInFirstAppearanceOrder() {
    LooSplit s = LeaveOneOut.split(List.of(x("z", "1", 9), x("a", "1", 1), x("z", "2", 1)));
    assertThat(s.users()).extracting(UserSplit::userId).containsExactly("z", "a");
    assertThat(s.report().inputInteractions()).isEqualTo(3);
  }

  @Test
  void split_usersInSeveralRuns_gatheredInTimeOrder() {
    LooSplit s = LeaveOneOut.split(List.of(
        x("z", "1", 10), x("z", "2", 20), x("a", "1", 5), x("z", "3", 15), x("a", "2", 6), x("a", "3", 7),
        x("z", "4", 40)));
    assertThat(s.users()).extracting(UserSplit::userId).containsExactly("z", "a");
    assertThat(items(user(s, "z").train())).containsExactly("1", "3");
    assertThat(user(s, "z").validation()).map(Interaction::itemId).contains("2");
    assertThat(user(s, "z").test()).map(Interaction::itemId).contains("4");
    assertThat(items(user(s, "a").train())).containsExactly("1");
  }

  @Test
  void split_itemIdsWithEqualHashesOrEqualCopies_repeatsFoundByValue() {
    // "Aa" and "BB" share a hash code; new String copies are equal but not the same object
    LooSplit s = LeaveOneOut.split(List.of(
        x("u", "Aa", 1), x("u", "BB", 2), x("u", new String("m"), 3), x("u", "c", 4), x("u", new String("m"), 5)));
    UserSplit u = user(s, "u");
    assertThat(s.report().duplicatesRemoved()).isEqualTo(1);
    assertThat(items(u.train())).containsExactly("Aa", "BB");
    assertThat(u.validation()).map(Interaction::itemId).contains("c");
    assertThat(u.test()).map(Interaction::itemId).contains("m");
  }

  @Test
  void looSplit_userTwice_throwsNamingTheUser() {
    LooSplit.Report report = new LooSplit.Report(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    List<UserSplit> many = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      many.add(new UserSplit("user" + i, List.of(), java.util.Optional.empty(), java.util.Optional.empty()));
    }
    assertThat(new LooSplit(many, report).users()).hasSize(1000);

    many.add(new UserSplit(new String("user517"), List.of(), java.util.Optional.empty(), java.util.Optional.empty()));
    assertThatThrownBy(() -> new LooSplit(many, report))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("user user517 appears twice in the split");
  }

  @Test
  void split_nullElement_throwsNamingIndex() {
    List<Interaction> xs = new ArrayList<>();
    xs.add(x("u", "a", 1));
    xs.add(null);
    assertThatThrownBy(() -> LeaveOneOut.split(xs)).isInstanceOf(NullPointerException.class).hasMessageContaining("[1]");
  }

  @Test
  void builder_badValues_throwNamingOption() {
    assertThatThrownBy(() -> LeaveOneOut.builder().minInteractions(2)).hasMessageContaining("minInteractions");
    assertThatThrownBy(() -> LeaveOneOut.builder().kCore(0)).hasMessageContaining("kCore");
    assertThatThrownBy(() -> LeaveOneOut.builder().duplicates(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void toBuilder_roundTrip_sameSplit() {
    LeaveOneOut l = LeaveOneOut.builder().kCore(1).minInteractions(4).build();
    List<Interaction> xs = List.of(x("a", "1", 1), x("a", "2", 2), x("a", "3", 3));
    assertThat(l.toBuilder().build().apply(xs)).isEqualTo(l.apply(xs));
  }

  @Test
  void interaction_badValues_throw() {
    assertThatThrownBy(() -> new Interaction(" ", "i", 1, Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Interaction("u", "", 1, Instant.EPOCH)).hasMessageContaining("user u");
    assertThatThrownBy(() -> new Interaction("u", "i", Double.NaN, Instant.EPOCH)).hasMessageContaining("finite");
  }
}
