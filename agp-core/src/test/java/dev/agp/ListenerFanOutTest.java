package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agp.internal.FitSupport;
import dev.agp.rpp.RppListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one listener fan-out both fits use ({@link FitSupport#fanOut}). */
class ListenerFanOutTest {

  private static final Logger LOG = LoggerFactory.getLogger(ListenerFanOutTest.class);

  @Test
  void fanOut_listenerThrows_othersStillCalledInOrder() {
    List<String> calls = new ArrayList<>();
    AgpListener bug = new AgpListener() {
      @Override public void onEpochStart(int epoch, int epochs) {
        calls.add("bug");
        throw new IllegalStateException("listener bug");
      }
    };
    AgpListener good = new AgpListener() {
      @Override public void onEpochStart(int epoch, int epochs) {
        calls.add("good " + epoch + "/" + epochs);
      }
    };

    FitSupport.fanOut(AgpListener.class, List.of(bug, good), LOG).onEpochStart(2, 5);

    assertThat(calls).containsExactly("bug", "good 2/5");
  }

  @Test
  void fanOut_everyMethodOfTheInterface_isPassedOn() {
    List<String> calls = new ArrayList<>();
    RppListener recorder = new RppListener() {
      @Override public void onIterationStart(int iteration, int iterations) {
        calls.add("iteration " + iteration);
      }

      @Override public void onUserDone(String userId, boolean succeeded) {
        calls.add(userId + " " + succeeded);
      }
    };
    RppListener all = FitSupport.fanOut(RppListener.class, List.of(recorder, recorder), LOG);

    all.onIterationStart(3, 4);
    all.onUserDone("u1", false);

    assertThat(calls).containsExactly("iteration 3", "iteration 3", "u1 false", "u1 false");
    assertThat(all).isEqualTo(all).isNotEqualTo(recorder);
    assertThat(all.toString()).contains("RppListener");
  }

  @Test
  void fanOut_errorInAListener_isNotSwallowed() {
    AgpListener broken = new AgpListener() {
      @Override public void onUserDone(String userId, boolean succeeded) {
        throw new OutOfMemoryError("simulated");
      }
    };
    AgpListener all = FitSupport.fanOut(AgpListener.class, List.of(broken), LOG);

    assertThatThrownBy(() -> all.onUserDone("u", true)).isInstanceOf(OutOfMemoryError.class);
  }

  @Test
  void fanOut_typeWithAResult_isRefused() {
    assertThatThrownBy(() -> FitSupport.fanOut(Comparable.class, List.of(), LOG))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("returns a value");
    assertThatThrownBy(() -> FitSupport.fanOut(Object.class, List.of(), LOG))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an interface");
  }

  @Test
  void fanOut_noListenerAndANoOp_isTheNoOpItself() {
    AgpListener none = new AgpListener() {};
    AgpListener one = new AgpListener() {};

    assertThat(FitSupport.fanOut(AgpListener.class, List.of(), none, LOG)).isSameAs(none);
    AgpListener fanned = FitSupport.fanOut(AgpListener.class, List.of(one), none, LOG);
    assertThat(fanned).isNotSameAs(none).isNotSameAs(one);
    assertThat(java.lang.reflect.Proxy.isProxyClass(fanned.getClass())).isTrue();
    assertThatThrownBy(() -> FitSupport.fanOut(Comparable.class, List.of(), (Comparable<?>) x -> 0, LOG))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("returns a value");
  }
}
