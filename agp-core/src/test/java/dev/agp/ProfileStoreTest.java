package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.testing.NullPointerTester;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ProfileStoreTest {

  private static ProfileKey key(String user, String history, String prompt) {
    return new ProfileKey(user, history, prompt);
  }

  @Test
  void get_exactKey_returnsTheProfile() {
    ProfileStore store = ProfileStore.inMemory(10);
    UserProfile p = new UserProfile("u1", "Likes drama.");

    store.put(key("u1", "h1", "p1"), p);

    assertThat(store.get(key("u1", "h1", "p1"))).contains(p);
    assertThat(store.get(key("u1", "h2", "p1"))).isEmpty();
    assertThat(store.get(key("u1", "h1", "p2"))).isEmpty();
    assertThat(store.get(key("u2", "h1", "p1"))).isEmpty();
  }

  @Test
  void put_newerHistory_replacesTheUsersProfileForThatPrompt() {
    ProfileStore store = ProfileStore.inMemory(10);
    store.put(key("u1", "h1", "p1"), new UserProfile("u1", "old"));
    store.put(key("u1", "h1", "p2"), new UserProfile("u1", "other model"));

    store.put(key("u1", "h2", "p1"), new UserProfile("u1", "new"));

    assertThat(store.get(key("u1", "h1", "p1"))).isEmpty();
    assertThat(store.get(key("u1", "h2", "p1"))).map(UserProfile::text).contains("new");
    assertThat(store.get(key("u1", "h1", "p2"))).map(UserProfile::text).contains("other model");
  }

  @Test
  void put_beyondMaximumSize_evictsTheLeastRecentlyUsed() {
    ProfileStore store = ProfileStore.inMemory(3);
    for (int i = 0; i < 3; i++) {
      store.put(key("u" + i, "h", "p"), new UserProfile("u" + i, "t" + i));
    }
    store.get(key("u0", "h", "p"));

    store.put(key("u3", "h", "p"), new UserProfile("u3", "t3"));

    assertThat(store.get(key("u0", "h", "p"))).isPresent();
    assertThat(store.get(key("u1", "h", "p"))).isEmpty();
    assertThat(store.get(key("u3", "h", "p"))).isPresent();
  }

  @Test
  void put_profileOfAnotherUser_throwsIllegalArgument() {
    ProfileStore store = ProfileStore.inMemory(3);

    assertThatThrownBy(() -> store.put(key("u1", "h", "p"), new UserProfile("u2", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("u1")
        .hasMessageContaining("u2");
  }

  @Test
  void inMemory_sizeBelowOne_throwsIllegalArgument() {
    assertThatThrownBy(() -> ProfileStore.inMemory(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maximumSize");
  }

  @Test
  void concurrentPutsAndGets_keepEveryUsersLatestProfile() throws Exception {
    ProfileStore store = ProfileStore.inMemory(10_000);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            String user = "u" + thread + "-" + i;
            store.put(key(user, "h", "p"), new UserProfile(user, "t"));
            assertThat(store.get(key(user, "h", "p"))).isPresent();
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.get(key("u7-499", "h", "p"))).isPresent();
  }

  @Test
  void profileKey_blankPart_throwsIllegalArgument() {
    assertThatThrownBy(() -> key(" ", "h", "p")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> key("u", "", "p")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> key("u", "h", " ")).isInstanceOf(IllegalArgumentException.class);
    assertThat(key("u/1", "h", "p").asText()).isEqualTo("p/h/u/1");
  }

  @Test
  void nullArguments_throwNullPointer() {
    NullPointerTester npt = new NullPointerTester()
        .setDefault(ProfileKey.class, key("u", "h", "p"))
        .setDefault(UserProfile.class, new UserProfile("u", "t"));
    npt.testAllPublicInstanceMethods(ProfileStore.inMemory(3));
    npt.testAllPublicConstructors(ProfileKey.class);
    npt.testAllPublicConstructors(ServingEvent.class);
  }
}
