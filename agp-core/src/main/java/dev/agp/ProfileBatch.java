package dev.agp;

import static java.util.Objects.requireNonNull;

import dev.agp.llm.UsageReport;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link AgpModel#profiles(List)} did: every user is in exactly one of {@link #profiles()},
 * {@link #failures()} and {@link #notRun()}.
 *
 * @param profiles the profile of every user that has one now, in input order: found in the store
 *     or written by this batch
 * @param reused how many of them were already in the store (no call made)
 * @param failures users whose PROFILE call failed after the client's retries
 * @param notRun users not attempted because the batch stopped (budget, interrupt)
 * @param stopReason why the batch stopped early, empty when it ran to the end
 * @param usage the calls, tokens and latency this batch spent
 */
public record ProfileBatch(
    Map<String, UserProfile> profiles,
    int reused,
    List<UserFailure> failures,
    List<String> notRun,
    Optional<String> stopReason,
    UsageReport usage) {

  /**
   * @param profiles the profile of every user that has one now, in input order: found in the store
   *     or written by this batch
   * @param reused how many of them were already in the store (no call made)
   * @param failures users whose PROFILE call failed after the client's retries
   * @param notRun users not attempted because the batch stopped (budget, interrupt)
   * @param stopReason why the batch stopped early, empty when it ran to the end
   * @param usage the calls, tokens and latency this batch spent
   * @throws NullPointerException if an argument or element is null
   * @throws IllegalArgumentException if reused is negative or exceeds the profiles
   */
  public ProfileBatch {
    LinkedHashMap<String, UserProfile> copy = new LinkedHashMap<>();
    requireNonNull(profiles, "profiles").forEach((k, v) -> copy.put(requireNonNull(k, "user id"), requireNonNull(v, "profile")));
    profiles = Collections.unmodifiableMap(copy);
    failures = List.copyOf(failures);
    notRun = List.copyOf(notRun);
    requireNonNull(stopReason, "stopReason");
    requireNonNull(usage, "usage");
    if (reused < 0 || reused > profiles.size()) {
      throw new IllegalArgumentException("reused must be in [0, " + profiles.size() + "] but was " + reused);
    }
  }

  /**
   * Profiles written by this batch's PROFILE calls.
   *
   * @return the number of profiles generated
   */
  public int generated() {
    return profiles.size() - reused;
  }

  /** {@return whether every user has a profile} */
  public boolean complete() {
    return failures.isEmpty() && notRun.isEmpty();
  }
}
