package dev.agp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.testing.NullPointerTester;
import dev.agp.llm.LlmBudget;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmClients;
import dev.agp.llm.LlmRetriableException;
import dev.agp.llm.Stage;
import dev.agp.testing.GenreWorld;
import dev.agp.testing.ScriptedLlmClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgpModelServingTest {

  private static final String PROMPT = "Name the user's favourite genre in one sentence.";
  private static final List<UserCase> USERS = GenreWorld.users("s", 30, 31);

  @TempDir Path dir;

  private static AgpModel model(LlmClient llm, String prompt) {
    return AgpOptimizer.builder().llm(llm).domain("movie").build().model(new ProfilePrompt(prompt));
  }

  private static AgpModel model(LlmClient llm) {
    return model(llm, PROMPT);
  }

  /** The same user one item later: the oldest history item dropped, a new one watched. */
  private static UserCase watchedMore(UserCase u) {
    List<Item> history = new ArrayList<>(u.history());
    history.add(Item.of(u.userId() + "-new", "Seen " + u.userId() + "-new (drama)"));
    return UserCase.forServing(u.userId(), history, u.candidates());
  }

  @Test
  void rerank_warmStore_makesOneRerankCallPerRequest() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    AgpModel served = model(llm).withProfileStore(ProfileStore.inMemory(1000));
    UserCase u = USERS.get(0);

    Ranking first = served.rerank(u);
    assertThat(llm.calls()).isEqualTo(Map.of(Stage.PROFILE, 1L, Stage.RERANK, 1L));
    llm.clearRequests();
    for (int i = 0; i < 5; i++) {
      assertThat(served.rerank(u)).isEqualTo(first);
    }

    assertThat(llm.calls()).isEqualTo(Map.of(Stage.RERANK, 5L));
    assertThat(served.servingStats()).isEqualTo(new ServingStats(6, 5, 1, 0, 0, 0, 0));
  }

  @Test
  void rerank_historyChanged_writesANewProfile() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    AgpModel served = model(llm).withProfileStore(ProfileStore.inMemory(1000));
    UserCase u = USERS.get(1);
    served.rerank(u);
    llm.clearRequests();

    served.rerank(watchedMore(u));

    assertThat(llm.calls()).isEqualTo(Map.of(Stage.PROFILE, 1L, Stage.RERANK, 1L));
  }

  @Test
  void rerank_changeOutsideTheHistoryWindow_keepsTheStoredProfile() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    AgpModel served = model(llm).withProfileStore(ProfileStore.inMemory(1000));
    UserCase u = USERS.get(2);
    served.rerank(u);
    llm.clearRequests();
    // an older item (beyond the last historyLength = 5) and other candidates do not change the profile
    List<Item> history = new ArrayList<>(u.history());
    history.set(0, Item.of("older", "Seen long ago (comedy)"));
    UserCase sameRecent = UserCase.forServing(u.userId(), history, u.candidates().subList(0, 7));

    served.rerank(sameRecent);

    assertThat(llm.calls()).isEqualTo(Map.of(Stage.RERANK, 1L));
  }

  @Test
  void rerank_anotherModelOnTheSameStore_doesNotReuseItsProfiles() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    ProfileStore store = ProfileStore.inMemory(1000);
    AgpModel a = model(llm).withProfileStore(store);
    AgpModel b = model(llm, PROMPT + " Be concise.").withProfileStore(store);
    UserCase u = USERS.get(3);
    a.rerank(u);
    llm.clearRequests();

    b.rerank(u);
    a.rerank(u);

    assertThat(a.profileKey(u)).isNotEqualTo(b.profileKey(u));
    assertThat(llm.calls()).isEqualTo(Map.of(Stage.PROFILE, 1L, Stage.RERANK, 2L));
  }

  @Test
  void rerank_withStore_returnsWhatRerankWithoutStoreReturns() {
    AgpModel plain = model(GenreWorld.llm().build());
    AgpModel stored = plain.withProfileStore(ProfileStore.inMemory(1000));
    stored.profiles(USERS);

    for (UserCase u : USERS) {
      assertThat(stored.rerank(u)).isEqualTo(plain.rerank(u));
    }
  }

  @Test
  void profileThenRerankWithProfile_equalsRerank() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    AgpModel model = model(llm);
    UserCase u = USERS.get(4);

    UserProfile profile = model.profile(u);
    assertThat(llm.calls()).isEqualTo(Map.of(Stage.PROFILE, 1L));
    Ranking r = model.rerank(u, profile);

    assertThat(profile.text()).startsWith("Favourite genre:");
    assertThat(r).isEqualTo(model.rerank(u));
    assertThat(llm.calls()).isEqualTo(Map.of(Stage.PROFILE, 2L, Stage.RERANK, 2L));
  }

  @Test
  void rerankWithProfile_anotherUsersProfile_throwsIllegalArgument() {
    AgpModel model = model(GenreWorld.llm().build());

    assertThatThrownBy(() -> model.rerank(USERS.get(0), new UserProfile(USERS.get(1).userId(), "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(USERS.get(0).userId())
        .hasMessageContaining(USERS.get(1).userId());
  }

  @Test
  void rerankWithProfile_backendFails_returnsFlaggedBaseOrder() {
    AgpModel model = model(r -> {
      throw new LlmRetriableException("HTTP 503", null);
    });
    UserCase u = USERS.get(0);

    Ranking r = model.rerank(u, new UserProfile(u.userId(), "Likes drama."));

    assertThat(r.fallback()).isTrue();
    assertThat(r.itemIds()).isEqualTo(u.candidateIds());
    assertThat(model.servingStats().failureFallbacks()).isEqualTo(1);
  }

  @Test
  void profile_withStore_storesWhatItWrote() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    ProfileStore store = ProfileStore.inMemory(10);
    AgpModel served = model(llm).withProfileStore(store);
    UserCase u = USERS.get(5);

    UserProfile p = served.profile(u);

    assertThat(store.get(served.profileKey(u))).contains(p);
  }

  @Test
  void profiles_fillTheStore_thenServingMakesOneCallPerRequest() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    AgpModel served = model(llm).withProfileStore(ProfileStore.inMemory(1000));
    assertThat(served.estimateProfiles(USERS)).isEqualTo(USERS.size());

    ProfileBatch batch = served.profiles(USERS, 4);

    assertThat(batch.complete()).isTrue();
    assertThat(batch.generated()).isEqualTo(USERS.size());
    assertThat(batch.profiles().keySet()).containsExactlyElementsOf(USERS.stream().map(UserCase::userId).toList());
    assertThat(batch.usage().stage(Stage.PROFILE).calls()).isEqualTo(USERS.size());
    assertThat(served.estimateProfiles(USERS)).isZero();
    llm.clearRequests();
    USERS.forEach(served::rerank);
    assertThat(llm.calls()).isEqualTo(Map.of(Stage.RERANK, (long) USERS.size()));
  }

  @Test
  void profiles_rerun_reusesStoredProfilesWithoutCalls() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    AgpModel served = model(llm).withProfileStore(ProfileStore.inMemory(1000));
    ProfileBatch first = served.profiles(USERS.subList(0, 10));
    llm.clearRequests();

    ProfileBatch second = served.profiles(USERS.subList(0, 20));

    assertThat(second.reused()).isEqualTo(10);
    assertThat(second.generated()).isEqualTo(10);
    assertThat(llm.calls()).isEqualTo(Map.of(Stage.PROFILE, 10L));
    assertThat(second.profiles()).containsAllEntriesOf(first.profiles());
  }

  @Test
  void profiles_sameAnswersAtAnyConcurrency_sameResult() {
    ProfileBatch one = model(GenreWorld.llm().build()).profiles(USERS, 1);
    ProfileBatch eight = model(GenreWorld.llm().build()).profiles(USERS, 8);

    assertThat(eight.profiles()).containsExactlyEntriesOf(one.profiles());
  }

  @Test
  void profiles_oneUserFails_recordsItAndStoresTheOthers() {
    String failing = USERS.get(7).userId();
    ScriptedLlmClient llm = GenreWorld.llm()
        .failWhen(r -> r.stage() == Stage.PROFILE && r.lastUserText().contains("Seen " + failing + "-"),
            () -> new LlmRetriableException("HTTP 503", null))
        .build();
    AgpModel served = model(llm).withProfileStore(ProfileStore.inMemory(1000));

    ProfileBatch batch = served.profiles(USERS, 4);

    assertThat(batch.complete()).isFalse();
    assertThat(batch.failures()).singleElement().satisfies(f -> {
      assertThat(f.userId()).isEqualTo(failing);
      assertThat(f.stage()).isEqualTo(Stage.PROFILE);
    });
    assertThat(batch.profiles()).hasSize(USERS.size() - 1).doesNotContainKey(failing);
    assertThat(batch.notRun()).isEmpty();
    assertThat(served.estimateProfiles(USERS)).isEqualTo(1);
  }

  @Test
  void profiles_budgetRunsOut_stopsKeepingWhatWasWritten() {
    ScriptedLlmClient script = GenreWorld.llm().build();
    LlmClient budgeted = LlmClients.builder(script).budget(LlmBudget.ofTokens(3_000)).build();
    AgpModel served = model(budgeted).withProfileStore(ProfileStore.inMemory(1000));

    ProfileBatch batch = served.profiles(USERS, 1);

    assertThat(batch.stopReason()).hasValueSatisfying(r -> assertThat(r).contains("budget"));
    assertThat(batch.profiles()).isNotEmpty();
    assertThat(batch.profiles().size() + batch.failures().size() + batch.notRun().size()).isEqualTo(USERS.size());
    assertThat(batch.notRun()).isNotEmpty();
    assertThat(served.estimateProfiles(USERS)).isEqualTo(USERS.size() - batch.profiles().size());
  }

  @Test
  void profiles_duplicateUser_throwsIllegalArgumentNamingIt() {
    AgpModel model = model(GenreWorld.llm().build());
    List<UserCase> twice = List.of(USERS.get(0), USERS.get(1), USERS.get(0));

    assertThatThrownBy(() -> model.profiles(twice))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(USERS.get(0).userId())
        .hasMessageContaining("users[2]");
    assertThatThrownBy(() -> model.profiles(USERS, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rerank_concurrentMissesOfOneKey_shareOneProfileCall() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger profileCalls = new AtomicInteger();
    ScriptedLlmClient script = GenreWorld.llm().build();
    LlmClient slowProfiles = r -> {
      if (r.stage() == Stage.PROFILE) {
        profileCalls.incrementAndGet();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return script.complete(r);
    };
    AgpModel served = model(slowProfiles).withProfileStore(ProfileStore.inMemory(10));
    UserCase u = USERS.get(8);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Ranking>> futures = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        futures.add(pool.submit(() -> served.rerank(u)));
      }
      while (profileCalls.get() == 0 || served.servingStats().requests() < 6) {
        Thread.sleep(5);
      }
      Thread.sleep(50);
      release.countDown();
      for (Future<Ranking> f : futures) {
        assertThat(f.get(10, TimeUnit.SECONDS).fallback()).isFalse();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(script.requests(Stage.PROFILE)).hasSize(1);
    assertThat(script.requests(Stage.RERANK)).hasSize(6);
    ServingStats stats = served.servingStats();
    assertThat(stats.profilesGenerated()).isEqualTo(1);
    assertThat(stats.sharedProfiles() + stats.storeHits()).isEqualTo(5);
  }

  @Test
  void rerank_withStoreAtAnyConcurrency_matchesSequentialResults() throws Exception {
    AgpModel sequentialModel = model(GenreWorld.llm().build()).withProfileStore(ProfileStore.inMemory(1000));
    List<Ranking> sequential = USERS.stream().map(sequentialModel::rerank).toList();
    ScriptedLlmClient llm = GenreWorld.llm().build();
    AgpModel served = model(llm).withProfileStore(ProfileStore.inMemory(1000)).withDeadline(Duration.ofSeconds(30));

    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Ranking>> futures = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (UserCase u : USERS) {
          futures.add(pool.submit(() -> served.rerank(u)));
        }
      }
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get()).isEqualTo(sequential.get(i % USERS.size()));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(llm.requests(Stage.PROFILE)).hasSize(USERS.size());
    assertThat(llm.requests(Stage.RERANK)).hasSize(4 * USERS.size());
  }

  @Test
  void rerank_deadlinePasses_returnsFlaggedBaseOrderAndCountsIt() {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedLlmClient script = GenreWorld.llm().build();
    LlmClient hanging = r -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return script.complete(r);
    };
    List<ServingEvent> events = new CopyOnWriteArrayList<>();
    AgpModel served = model(hanging).withDeadline(Duration.ofMillis(100)).withServingListener(events::add);
    UserCase u = USERS.get(9);

    Ranking r = served.rerank(u);
    release.countDown();

    assertThat(r.fallback()).isTrue();
    assertThat(r.itemIds()).isEqualTo(u.candidateIds());
    assertThat(served.servingStats().deadlineFallbacks()).isEqualTo(1);
    assertThat(served.fallbacks()).isEqualTo(1);
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo(ServingOutcome.FALLBACK_DEADLINE);
      assertThat(e.method()).isEqualTo(AgpModel.METHOD);
      assertThat(e.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    });
  }

  @Test
  void rerank_deadlinePassesDuringProfile_storesTheLateProfileAndSkipsTheRerankCall() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedLlmClient script = GenreWorld.llm().build();
    LlmClient slowProfiles = r -> {
      if (r.stage() == Stage.PROFILE) {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return script.complete(r);
    };
    ProfileStore store = ProfileStore.inMemory(10);
    AgpModel served = model(slowProfiles).withProfileStore(store).withDeadline(Duration.ofMillis(50));
    UserCase u = USERS.get(10);

    assertThat(served.rerank(u).fallback()).isTrue();
    release.countDown();
    long waited = 0;
    while (store.get(served.profileKey(u)).isEmpty() && waited < 10_000) {
      Thread.sleep(5);
      waited += 5;
    }
    Thread.sleep(50);

    assertThat(store.get(served.profileKey(u))).isPresent();
    assertThat(script.requests(Stage.RERANK)).isEmpty();
    Ranking next = served.rerank(u);
    assertThat(next.fallback()).isFalse();
    assertThat(script.calls()).isEqualTo(Map.of(Stage.PROFILE, 1L, Stage.RERANK, 1L));
  }

  @Test
  void rerank_deadlineMet_returnsTheLlmRanking() {
    AgpModel plain = model(GenreWorld.llm().build());
    AgpModel served = plain.withDeadline(Duration.ofSeconds(10), Executors.newCachedThreadPool());

    for (UserCase u : USERS.subList(0, 5)) {
      assertThat(served.rerank(u)).isEqualTo(plain.rerank(u));
    }
    assertThat(served.servingStats().fallbacks()).isZero();
  }

  @Test
  void rerank_executorRejects_returnsFlaggedBaseOrder() {
    AgpModel served = model(GenreWorld.llm().build()).withDeadline(Duration.ofSeconds(1), task -> {
      throw new java.util.concurrent.RejectedExecutionException("full");
    });

    Ranking r = served.rerank(USERS.get(0));

    assertThat(r.fallback()).isTrue();
    assertThat(served.servingStats().deadlineFallbacks()).isEqualTo(1);
  }

  @Test
  void rerank_storeThrows_servesAndCountsTheError() {
    ScriptedLlmClient llm = GenreWorld.llm().build();
    ProfileStore broken = new ProfileStore() {
      @Override
      public Optional<UserProfile> get(ProfileKey key) {
        throw new IllegalStateException("store down");
      }

      @Override
      public void put(ProfileKey key, UserProfile profile) {
        throw new IllegalStateException("store down");
      }
    };
    AgpModel served = model(llm).withProfileStore(broken);

    Ranking r = served.rerank(USERS.get(0));

    assertThat(r.fallback()).isFalse();
    assertThat(served.servingStats().storeErrors()).isEqualTo(3);
    assertThat(llm.calls()).isEqualTo(Map.of(Stage.PROFILE, 1L, Stage.RERANK, 1L));
  }

  @Test
  void rerank_profileCallFails_fallsBackAndStoresNothing() {
    ScriptedLlmClient llm = GenreWorld.llm().enqueueFailure(Stage.PROFILE, () -> new LlmRetriableException("HTTP 503", null)).build();
    ProfileStore store = ProfileStore.inMemory(10);
    AgpModel served = model(llm).withProfileStore(store);
    UserCase u = USERS.get(11);

    assertThat(served.rerank(u).fallback()).isTrue();
    assertThat(store.get(served.profileKey(u))).isEmpty();
    assertThat(served.rerank(u).fallback()).isFalse();
    assertThat(served.servingStats().failureFallbacks()).isEqualTo(1);
  }

  @Test
  void servingListener_eventPerRequest_andAThrowingListenerNeverFailsARequest() {
    List<ServingEvent> events = new CopyOnWriteArrayList<>();
    AgpModel served = model(GenreWorld.llm().build())
        .withProfileStore(ProfileStore.inMemory(10))
        .withServingListener(e -> {
          throw new IllegalStateException("listener bug");
        })
        .withServingListener(events::add);
    UserCase u = USERS.get(12);

    served.rerank(u);
    served.rerank(u);
    served.rerank(u, new UserProfile(u.userId(), "Favourite genre: drama."));

    assertThat(events).extracting(ServingEvent::profile)
        .containsExactly(ProfileSource.GENERATED, ProfileSource.STORE, ProfileSource.GIVEN);
    assertThat(events).extracting(ServingEvent::outcome).containsOnly(ServingOutcome.RANKED);
  }

  @Test
  void withOptions_shareClientUsageAndCounters() {
    AgpModel plain = model(GenreWorld.llm().build());
    AgpModel stored = plain.withProfileStore(ProfileStore.inMemory(10));

    stored.rerank(USERS.get(0));

    assertThat(plain.servingStats().requests()).isEqualTo(1);
    assertThat(plain.usage().total().calls()).isEqualTo(2);
    assertThat(plain.profileStore()).isEmpty();
    assertThat(stored.profileStore()).isPresent();
    assertThat(stored.deadline()).isEmpty();
    assertThat(stored.withDeadline(Duration.ofSeconds(1)).deadline()).contains(Duration.ofSeconds(1));
  }

  @Test
  void withDeadline_notPositive_throwsIllegalArgument() {
    AgpModel model = model(GenreWorld.llm().build());

    assertThatThrownBy(() -> model.withDeadline(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> model.withDeadline(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void profileKey_dependsOnRecentHistoryAndPromptOnly() {
    AgpModel model = model(GenreWorld.llm().build());
    UserCase u = USERS.get(0);

    ProfileKey k = model.profileKey(u);

    assertThat(k.userId()).isEqualTo(u.userId());
    assertThat(model.profileKey(UserCase.forServing(u.userId(), u.history(), u.candidates().subList(0, 3)))).isEqualTo(k);
    assertThat(model.profileKey(watchedMore(u)).historyFingerprint()).isNotEqualTo(k.historyFingerprint());
    assertThat(model(GenreWorld.llm().build(), PROMPT + "!").profileKey(u).promptFingerprint())
        .isNotEqualTo(k.promptFingerprint());
    List<Item> withAttributes = new ArrayList<>(u.history());
    Item last = withAttributes.remove(withAttributes.size() - 1);
    withAttributes.add(new Item(last.id(), last.title(), Map.of("genres", "Drama")));
    assertThat(model.profileKey(UserCase.forServing(u.userId(), withAttributes, u.candidates())))
        .isNotEqualTo(k);
  }

  @Test
  void nullArguments_throwNullPointer() {
    UserCase u = USERS.get(0);
    new NullPointerTester()
        .setDefault(UserCase.class, u)
        .setDefault(UserProfile.class, new UserProfile(u.userId(), "Likes drama."))
        .setDefault(ProfileStore.class, ProfileStore.inMemory(10))
        .setDefault(Duration.class, Duration.ofSeconds(1))
        .setDefault(Path.class, dir.resolve("npe.json"))
        .setDefault(List.class, List.of(u))
        .testAllPublicInstanceMethods(model(GenreWorld.llm().build()));
  }

  @Test
  void profileKey_survivesSaveAndLoad() {
    AgpModel model = model(GenreWorld.llm().build());
    Path file = dir.resolve("m.json");
    model.save(file);

    AgpModel loaded = AgpModel.load(file, GenreWorld.llm().build());

    assertThat(loaded.profileKey(USERS.get(0))).isEqualTo(model.profileKey(USERS.get(0)));
  }

  @Test
  void loadedWithoutClient_servingMethodsThrowIllegalState() {
    AgpModel model = model(GenreWorld.llm().build());
    Path file = dir.resolve("inspect.json");
    model.save(file);
    AgpModel inspect = AgpModel.load(file);

    assertThatThrownBy(() -> inspect.profile(USERS.get(0))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> inspect.profiles(USERS)).isInstanceOf(IllegalStateException.class);
    assertThat(inspect.profileKey(USERS.get(0))).isEqualTo(model.profileKey(USERS.get(0)));
  }
}
