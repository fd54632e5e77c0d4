package dev.agp;

/** Where the profile a served request ranked from came from. */
public enum ProfileSource {
  /** Found in the {@link ProfileStore}: no PROFILE call. */
  STORE,
  /** Written for this request: one PROFILE call. */
  GENERATED,
  /** Written by a concurrent request for the same key, which this one waited for: no call of its own. */
  SHARED,
  /** Passed in by the caller ({@link AgpModel#rerank(UserCase, UserProfile)}). */
  GIVEN,
  /** The method ranks without a profile (RPP, the baselines), or the request ended before one was ready. */
  NONE
}
