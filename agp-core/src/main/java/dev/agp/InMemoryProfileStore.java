package dev.agp;

import static java.util.Objects.requireNonNull;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.util.Optional;

/** {@link ProfileStore#inMemory}: one entry per (user, prompt fingerprint), LRU-bounded. */
final class InMemoryProfileStore implements ProfileStore {

  private record Slot(String userId, String promptFingerprint) {}

  private record Entry(String historyFingerprint, UserProfile profile) {}

  private final Cache<Slot, Entry> entries;

  InMemoryProfileStore(long maximumSize) {
    if (maximumSize < 1) {
      throw new IllegalArgumentException("maximumSize must be >= 1 but was " + maximumSize);
    }
    this.entries = CacheBuilder.newBuilder().maximumSize(maximumSize).build();
  }

  @Override
  public Optional<UserProfile> get(ProfileKey key) {
    requireNonNull(key, "key");
    Entry e = entries.getIfPresent(new Slot(key.userId(), key.promptFingerprint()));
    return e != null && e.historyFingerprint().equals(key.historyFingerprint())
        ? Optional.of(e.profile())
        : Optional.empty();
  }

  @Override
  public void put(ProfileKey key, UserProfile profile) {
    requireNonNull(key, "key");
    requireNonNull(profile, "profile");
    if (!profile.userId().equals(key.userId())) {
      throw new IllegalArgumentException(
          "the profile of user " + profile.userId() + " cannot be stored under user " + key.userId());
    }
    entries.put(new Slot(key.userId(), key.promptFingerprint()), new Entry(key.historyFingerprint(), profile));
  }

  @Override
  public String toString() {
    return "ProfileStore.inMemory(" + entries.size() + " profiles)";
  }
}
