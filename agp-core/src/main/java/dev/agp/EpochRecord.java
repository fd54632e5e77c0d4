package dev.agp;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The validation score of the prompt at the end of an epoch (epoch 0: the initial prompt).
 *
 * @param epoch 0 for the initial prompt, else the 1-based epoch just finished
 * @param prompt the prompt that was scored
 * @param validationNdcg mean NDCG at the cutoff over the validation users that did not fail
 * @param validationUsers validation users scored
 * @param failures validation users that failed
 * @param best whether this prompt became the best so far
 * @param reused whether the score was reused because the same prompt was scored before (no calls)
 */
public record EpochRecord(
    int epoch,
    String prompt,
    double validationNdcg,
    int validationUsers,
    List<UserFailure> failures,
    boolean best,
    boolean reused) {

  /**
   * @param epoch 0 for the initial prompt, else the 1-based epoch just finished
   * @param prompt the prompt that was scored
   * @param validationNdcg mean NDCG at the cutoff over the validation users that did not fail
   * @param validationUsers validation users scored
   * @param failures validation users that failed
   * @param best whether this prompt became the best so far
   * @param reused whether the score was reused because the same prompt was scored before (no calls)
   * @throws NullPointerException if an argument is null
   */
  public EpochRecord {
    requireNonNull(prompt, "prompt");
    failures = List.copyOf(failures);
  }
}
