package dev.agp;

/**
 * Counters of an {@link AgpModel}'s serving since it was built or bound to a client.
 *
 * @param requests rerank requests served ({@link AgpModel#rerank(UserCase)} and {@link
 *     AgpModel#rerank(UserCase, UserProfile)})
 * @param storeHits requests whose profile came from the {@link ProfileStore}
 * @param profilesGenerated profiles written by PROFILE calls, for requests, {@link
 *     AgpModel#profile(UserCase)} and {@link AgpModel#profiles(java.util.List)}
 * @param sharedProfiles requests that waited for a profile a concurrent request was writing
 * @param failureFallbacks requests answered with the base order because the backend failed
 * @param deadlineFallbacks requests answered with the base order because their deadline passed
 * @param storeErrors lookups or writes of the profile store that threw (served as misses)
 */
public record ServingStats(
    long requests,
    long storeHits,
    long profilesGenerated,
    long sharedProfiles,
    long failureFallbacks,
    long deadlineFallbacks,
    long storeErrors) {

  /**
   * @param requests rerank requests served ({@link AgpModel#rerank(UserCase)} and {@link
   *     AgpModel#rerank(UserCase, UserProfile)})
   * @param storeHits requests whose profile came from the {@link ProfileStore}
   * @param profilesGenerated profiles written by PROFILE calls, for requests, {@link
   *     AgpModel#profile(UserCase)} and {@link AgpModel#profiles(java.util.List)}
   * @param sharedProfiles requests that waited for a profile a concurrent request was writing
   * @param failureFallbacks requests answered with the base order because the backend failed
   * @param deadlineFallbacks requests answered with the base order because their deadline passed
   * @param storeErrors lookups or writes of the profile store that threw (served as misses)
   * @throws IllegalArgumentException if a count is negative
   */
  public ServingStats {
    long[] all = {requests, storeHits, profilesGenerated, sharedProfiles, failureFallbacks, deadlineFallbacks, storeErrors};
    for (long c : all) {
      if (c < 0) {
        throw new IllegalArgumentException("serving counts must be >= 0: " + java.util.Arrays.toString(all));
      }
    }
  }

  /**
   * Requests answered with the base order, for any reason.
   *
   * @return the number of fallbacks
   */
  public long fallbacks() {
    return failureFallbacks + deadlineFallbacks;
  }
}
