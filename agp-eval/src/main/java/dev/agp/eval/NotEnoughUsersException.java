package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import dev.agp.AgpException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Too few users are eligible for the training, validation and test sets a {@link
 * CandidateProtocol} was asked for. The message gives the counts and why users were not eligible;
 * {@link #counts()} gives them to callers that explain it in their own terms (a command line
 * names its flags).
 *
 * <p>An {@link dev.agp.AgpException}. It was an {@link IllegalStateException} before the SDK's exceptions
 * had one root: a {@code catch (IllegalStateException e)} meant for it now names this type.
 */
public final class NotEnoughUsersException extends AgpException {

  private static final long serialVersionUID = 1L;

  private final Counts counts;

  /**
   * @param counts what the protocol found and needed
   * @throws NullPointerException if counts is null
   */
  public NotEnoughUsersException(Counts counts) {
    super(message(requireNonNull(counts, "counts")));
    this.counts = counts;
  }

  /** What the protocol found and needed. */
  public Counts counts() {
    return counts;
  }

  /**
   * The protocol's counts.
   *
   * @param mode the candidate mode used
   * @param k candidates per user
   * @param evaluableUsers users with a held-out test item
   * @param eligibleUsers users that could be selected
   * @param hits users whose held-out item is in the base top k
   * @param shortLists users the base gave fewer than k candidates
   * @param unknownItems users whose lists or history name items missing from the catalogue
   * @param unranked users whose held-out item the base cannot rank (window mode)
   * @param trainUsers training users asked for
   * @param validationUsers validation users asked for
   * @param testUsers test users asked for
   * @param allowFewerTestUsers whether fewer test users were acceptable
   */
  public record Counts(
      CandidateMode mode,
      int k,
      int evaluableUsers,
      int eligibleUsers,
      int hits,
      int shortLists,
      int unknownItems,
      int unranked,
      int trainUsers,
      int validationUsers,
      int testUsers,
      boolean allowFewerTestUsers) implements Serializable {

    /** @throws NullPointerException if mode is null */
    public Counts {
      requireNonNull(mode, "mode");
    }

    /** Users the sets need. */
    public int needed() {
      return trainUsers + validationUsers + testUsers;
    }

    /**
     * Why users were not eligible, in words: for example {@code "39 with the held-out item in the
     * base top 10, 2 with fewer than 10 candidates"}; {@code "no user has a held-out test item"}
     * when there was nobody to consider.
     */
    public String reasons() {
      if (evaluableUsers == 0) {
        return "no user has a held-out test item (every user needs at least 3 interactions: training,"
            + " validation and test)";
      }
      List<String> parts = new ArrayList<>();
      if (mode == CandidateMode.BASE_TOP_K) {
        parts.add(hits + " with the held-out item in the base top " + k);
      } else {
        parts.add(unranked + " whose held-out item the base cannot rank");
      }
      if (shortLists > 0) {
        parts.add(shortLists + " with fewer than " + k + " candidates");
      }
      if (unknownItems > 0) {
        parts.add(unknownItems + " naming items missing from the catalogue");
      }
      return String.join(", ", parts);
    }
  }

  private static String message(Counts c) {
    List<String> fixes = new ArrayList<>();
    fixes.add("lower the counts");
    if (c.mode() == CandidateMode.BASE_TOP_K) {
      fixes.add("use CandidateMode.BASE_WINDOW");
    }
    if (!c.allowFewerTestUsers()) {
      fixes.add("allowFewerTestUsers(true)");
    }
    return String.format(Locale.ROOT,
        "%d of %d users are eligible (%s, %s), but %d training + %d validation + %d test users are needed: %s",
        c.eligibleUsers(), c.evaluableUsers(), c.mode(), c.reasons(), c.trainUsers(), c.validationUsers(),
        c.testUsers(), String.join(", ", fixes.subList(0, fixes.size() - 1))
            + (fixes.size() > 1 ? " or " : "") + fixes.get(fixes.size() - 1));
  }
}
