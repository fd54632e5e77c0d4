package dev.agp.eval;

import java.util.OptionalLong;

/**
 * Progress of an {@link Experiment}, all optional. {@link #onUserDone} is called from worker
 * threads, concurrently; implementations must be quick and thread-safe.
 */
public interface ExperimentListener {

  /**
   * A method starts preparing; {@code plannedCalls} as it announced them.
   *
   * @param method the method's name
   * @param plannedCalls the calls it announced, empty when it cannot say
   */
  default void onMethodStart(String method, OptionalLong plannedCalls) {}

  /**
   * The method is prepared and starts ranking {@code testUsers} users.
   *
   * @param method the method's name
   * @param testUsers the number of test users
   */
  default void onTestStart(String method, int testUsers) {}

  /**
   * One test user was ranked.
   *
   * @param method the method's name
   * @param userId the user ranked
   */
  default void onUserDone(String method, String userId) {}

  /**
   * The method's row is complete.
   *
   * @param result the method's finished row
   */
  default void onMethodEnd(MethodResult result) {}
}
