package dev.agp.eval;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A chronological leave-one-out split, per user: training interactions (oldest first), the
 * validation interaction (second-last) and the test interaction (last). Users with too few
 * interactions are training-only: no validation or test interaction.
 *
 * @param users every user that kept at least one interaction, in order of first appearance in
 *     the input
 * @param report what the split did and dropped
 */
public record LooSplit(List<UserSplit> users, Report report) {

  /**
   * @param users every user that kept at least one interaction, in order of first appearance in the
   *     input
   * @param report what the split did and dropped
   * @throws NullPointerException if an argument or user is null
   * @throws IllegalArgumentException if a user id repeats
   */
  public LooSplit {
    List<UserSplit> distinct = users instanceof DistinctUsers d ? d.list : null;
    users = distinct != null ? distinct : List.copyOf(users);
    requireNonNull(report, "report");
    if (distinct == null) {
      requireDistinct(users);
    }
  }

  /**
   * A split whose users the caller built with distinct ids (one per key of a map, say), sparing the
   * check of every id: what {@link LeaveOneOut} builds. Every other check still runs.
   */
  static LooSplit ofDistinctUsers(List<UserSplit> users, Report report) {
    return new LooSplit(new DistinctUsers(List.copyOf(users)), report);
  }

  /** Users with distinct ids, as only this class can make them. */
  private static final class DistinctUsers extends java.util.AbstractList<UserSplit> implements java.util.RandomAccess {
    private final List<UserSplit> list;

    DistinctUsers(List<UserSplit> list) {
      this.list = list;
    }

    @Override
    public UserSplit get(int index) {
      return list.get(index);
    }

    @Override
    public int size() {
      return list.size();
    }
  }

  private static void requireDistinct(List<UserSplit> users) {
    // an open-addressing set of the ids (no entry object per user: splits hold 100,000s of users)
    String[] ids = new String[Integer.highestOneBit(Math.max(2, users.size()) * 2) * 2];
    int mask = ids.length - 1;
    for (UserSplit u : users) {
      String id = u.userId();
      int h = id.hashCode();
      int slot = (h ^ (h >>> 16)) & mask;
      for (String s; (s = ids[slot]) != null; slot = (slot + 1) & mask) {
        if (s.equals(id)) {
          throw new IllegalArgumentException("user " + id + " appears twice in the split");
        }
      }
      ids[slot] = id;
    }
  }

  /** {@return users with a test (and validation) interaction, in order} */
  public List<UserSplit> evaluableUsers() {
    return users.stream().filter(u -> u.test().isPresent()).toList();
  }

  /** {@return every training interaction, user by user, oldest first within a user} */
  public List<Interaction> trainInteractions() {
    List<Interaction> out = new ArrayList<>(report.trainInteractions());
    for (UserSplit u : users) {
      out.addAll(u.train());
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * One user's part of the split.
   *
   * @param userId the user
   * @param train training interactions, oldest first
   * @param validation the second-last interaction; empty for training-only users
   * @param test the last interaction; empty for training-only users
   */
  public record UserSplit(
      String userId, List<Interaction> train, Optional<Interaction> validation, Optional<Interaction> test) {

    /**
     * @param userId the user
     * @param train training interactions, oldest first
     * @param validation the second-last interaction; empty for training-only users
     * @param test the last interaction; empty for training-only users
     * @throws NullPointerException if an argument or element is null
     * @throws IllegalArgumentException if an interaction belongs to another user, or only one
     *     of validation and test is present
     */
    public UserSplit {
      requireNonNull(userId, "userId");
      train = List.copyOf(train);
      requireNonNull(validation, "validation");
      requireNonNull(test, "test");
      if (validation.isPresent() != test.isPresent()) {
        throw new IllegalArgumentException("user " + userId + ": validation and test come together");
      }
      for (int k = 0; k < train.size(); k++) {
        checkOwner(userId, train.get(k));
      }
      if (validation.isPresent()) {
        checkOwner(userId, validation.get());
        checkOwner(userId, test.get());
      }
    }

    private static void checkOwner(String userId, Interaction i) {
      if (!i.userId().equals(userId)) {
        throw new IllegalArgumentException("user " + userId + ": holds an interaction of user " + i.userId());
      }
    }

    /** {@return everything before the test interaction: training plus validation, oldest first} */
    public List<Interaction> historyBeforeTest() {
      if (validation.isEmpty()) {
        return train;
      }
      List<Interaction> h = new ArrayList<>(train.size() + 1);
      h.addAll(train);
      h.add(validation.get());
      return Collections.unmodifiableList(h);
    }
  }

  /**
   * What the split did.
   *
   * @param inputInteractions interactions given
   * @param duplicatesRemoved repeated user-item interactions dropped by the {@link DuplicatePolicy}
   * @param kCoreRemovedInteractions interactions dropped by k-core filtering (0 when off)
   * @param kCoreRemovedUsers users left with no interaction by k-core filtering
   * @param kCoreRemovedItems items left with no interaction by k-core filtering
   * @param kCoreRounds filtering passes until stable (0 when off)
   * @param users users kept
   * @param splitUsers users with validation and test interactions
   * @param trainingOnlyUsers users below the minimum, kept for training only
   * @param trainInteractions training interactions over all users
   */
  public record Report(
      long inputInteractions,
      long duplicatesRemoved,
      long kCoreRemovedInteractions,
      long kCoreRemovedUsers,
      long kCoreRemovedItems,
      int kCoreRounds,
      int users,
      int splitUsers,
      int trainingOnlyUsers,
      int trainInteractions) {}
}
