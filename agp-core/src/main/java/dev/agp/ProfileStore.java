package dev.agp;

import java.util.Optional;

/**
 * Where an {@link AgpModel} keeps the profiles it has written, so serving makes one LLM call per
 * request (RERANK) instead of two (PROFILE, then RERANK) while a user's history does not change.
 * Configure one with {@link AgpModel#withProfileStore(ProfileStore)}; fill it ahead of traffic
 * with {@link AgpModel#profiles(java.util.List)}.
 *
 * <p>Implementations must be thread-safe: a model calls them from every serving thread at once.
 * They may forget entries at any time (a bounded cache, an expiry); a missing entry only costs a
 * PROFILE call. A store that throws does not fail the request: the model logs the exception,
 * counts it in {@link ServingStats#storeErrors()}, and serves as if the entry were missing (a
 * lookup) or not kept (a write). {@link #inMemory(long)} is a bounded in-process implementation;
 * for profiles shared across instances, implement this port over a shared cache keyed by {@link
 * ProfileKey#asText()}.
 *
 * <p>The key does not know which LLM the model's client calls: share a store only between models
 * served by the same LLM (a profile written by one model is not what another would write).
 */
public interface ProfileStore {

  /**
   * The profile stored under exactly {@code key}.
   *
   * @param key the user, history fingerprint and prompt fingerprint
   * @return the profile, or empty when none is stored under this key (a profile of the same user
   *     written from another history or another prompt does not match)
   * @throws NullPointerException if key is null
   */
  Optional<UserProfile> get(ProfileKey key);

  /**
   * Stores {@code profile} under {@code key}, replacing what was stored under it.
   *
   * @param key the user, history fingerprint and prompt fingerprint
   * @param profile the profile written for that key
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the profile belongs to another user than the key
   */
  void put(ProfileKey key, UserProfile profile);

  /**
   * A bounded, thread-safe store in this process. It holds one profile per user and prompt
   * fingerprint: a profile written from a newer history replaces the user's older one, so a user
   * never occupies more than one entry per model. Beyond {@code maximumSize} entries the least
   * recently used are evicted.
   *
   * @param maximumSize the most profiles kept, {@code >= 1}
   * @return an empty store
   * @throws IllegalArgumentException if maximumSize is below 1
   */
  static ProfileStore inMemory(long maximumSize) {
    return new InMemoryProfileStore(maximumSize);
  }
}
