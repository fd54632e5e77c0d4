package dev.agp.eval;

import java.util.OptionalLong;

/**
 * Progress of an {@link Experiment}, all optional. {@link #onUserDone} is called from worker
 * threads, concurrently; implementations must be quick and thread-safe.
 */
public interface ExperimentListener {

  /** A method starts preparing; {@code plannedCalls} as it announced them. */
  default void onMethodStart(String method, OptionalLong plannedCalls) {}

  /** The method is prepared and starts ranking {@code testUsers} users. */
  default void onTestStart(String method, int testUsers) {}

  /** One test user was ranked. */
  default void onUserDone(String method, String userId) {}

  /** The method's row is complete. */
  default void onMethodEnd(MethodResult result) {}
}
