package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.testing.NullPointerTester;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServingGuardTest {

  private static final UserCase USER = UserCase.forServing(
      "u1", List.of(Item.of("h", "Seen")), List.of(Item.of("a", "A"), Item.of("b", "B"), Item.of("c", "C")));

  private static final CaseReranker REVERSE = u -> Ranking.of(u.userId(), List.of("c", "b", "a"));

  @Test
  void rerank_noDeadline_passesThroughAndReportsRanked() {
    List<ServingEvent> events = new CopyOnWriteArrayList<>();
    ServingGuard guard = ServingGuard.builder(REVERSE).method("RPP").listener(events::add).build();

    assertThat(guard.rerank(USER).itemIds()).containsExactly("c", "b", "a");
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.method()).isEqualTo("RPP");
      assertThat(e.outcome()).isEqualTo(ServingOutcome.RANKED);
      assertThat(e.profile()).isEqualTo(ProfileSource.NONE);
    });
  }

  @Test
  void rerank_wrappedFallsBack_countsAFailureFallback() {
    List<ServingEvent> events = new CopyOnWriteArrayList<>();
    ServingGuard guard = ServingGuard.builder(Ranking::fallback).listener(events::add).build();

    assertThat(guard.rerank(USER).fallback()).isTrue();
    assertThat(guard.servingStats().failureFallbacks()).isEqualTo(1);
    assertThat(events).extracting(ServingEvent::outcome).containsExactly(ServingOutcome.FALLBACK_FAILURE);
  }

  @Test
  void rerank_deadlinePasses_returnsFlaggedBaseOrder() {
    CountDownLatch release = new CountDownLatch(1);
    CaseReranker slow = u -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return REVERSE.rerank(u);
    };
    List<ServingEvent> events = new CopyOnWriteArrayList<>();
    ServingGuard guard = ServingGuard.builder(slow).deadline(Duration.ofMillis(50)).listener(events::add).build();

    Ranking r = guard.rerank(USER);
    release.countDown();

    assertThat(r.fallback()).isTrue();
    assertThat(r.itemIds()).containsExactly("a", "b", "c");
    assertThat(guard.servingStats()).isEqualTo(new ServingStats(1, 0, 0, 0, 0, 1, 0));
    assertThat(events).extracting(ServingEvent::outcome).containsExactly(ServingOutcome.FALLBACK_DEADLINE);
  }

  @Test
  void rerank_deadlineMet_returnsTheWrappedRanking() {
    ServingGuard guard = ServingGuard.builder(REVERSE).deadline(Duration.ofSeconds(5)).build();

    assertThat(guard.rerank(USER).itemIds()).containsExactly("c", "b", "a");
    assertThat(guard.servingStats().fallbacks()).isZero();
  }

  @Test
  void rerank_wrappedThrows_propagatesWithOrWithoutDeadline() {
    CaseReranker broken = u -> {
      throw new IllegalStateException("bug");
    };

    assertThatThrownBy(() -> ServingGuard.builder(broken).build().rerank(USER)).hasMessage("bug");
    assertThatThrownBy(() -> ServingGuard.builder(broken).deadline(Duration.ofSeconds(5)).build().rerank(USER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("bug");
  }

  @Test
  void builder_badValues_failFast() {
    ServingGuard.Builder b = ServingGuard.builder(REVERSE);

    assertThatThrownBy(() -> b.method(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.deadline(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    new NullPointerTester().testAllPublicInstanceMethods(b);
    new NullPointerTester().testAllPublicStaticMethods(ServingGuard.class);
  }
}
