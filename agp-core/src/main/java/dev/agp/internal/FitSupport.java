package dev.agp.internal;

import static java.util.Objects.requireNonNull;

import dev.agp.UserCase;
import dev.agp.UserFailure;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.prompt.CandidateLabels;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/** Scheduling and reporting pieces shared by the fits (AGP and RPP). */
public final class FitSupport {

  /** Failures named in a stop message; the rest are counted. */
  public static final int CAUSES_SHOWN = 3;

  private FitSupport() {}

  /**
   * {@code items} cut into consecutive batches of {@code size} (the last may be shorter).
   *
   * @param <T> the items' type
   * @param items the items, in order
   * @param size the batch size, {@code >= 1}
   * @return the batches, each an immutable list
   */
  public static <T> List<List<T>> partition(List<T> items, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i += size) {
      out.add(List.copyOf(items.subList(i, Math.min(items.size(), i + size))));
    }
    return out;
  }

  /**
   * Daemon threads of normal priority named {@code prefix} and a number from 0, as a fit's pool
   * names them (no format string: formatting a name costs a fresh JVM the locale data on a fit's
   * first step).
   *
   * @param prefix the start of every thread's name
   * @return the factory
   */
  public static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger next = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + next.getAndIncrement());
      t.setDaemon(true);
      t.setPriority(Thread.NORM_PRIORITY);
      return t;
    };
  }

  /**
   * The first {@link #CAUSES_SHOWN} failures described, and how many more there were.
   *
   * @param failures the failures
   * @return such as {@code "u1 failed at RERANK: ...; and 4 more"}
   */
  public static String causes(List<UserFailure> failures) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(CAUSES_SHOWN, failures.size()); i++) {
      sb.append(i == 0 ? "" : "; ").append(failures.get(i).describe());
    }
    if (failures.size() > CAUSES_SHOWN) {
      sb.append("; and ").append(failures.size() - CAUSES_SHOWN).append(" more");
    }
    return sb.toString();
  }

  /**
   * Why a fit stopped at {@code where} because more of a batch's users failed than the fit
   * allows, with the first causes and what to do next.
   *
   * @param where the round and batch, such as {@code "epoch 2, batch 3"}
   * @param failures the batch's failures
   * @param users the batch's users
   * @param maxFailureRate the share of users that may fail
   * @param checkpoint the fit's checkpoint, or null
   * @return the stop's message
   */
  public static String tooManyFailures(
      String where, List<UserFailure> failures, int users, double maxFailureRate, @Nullable Path checkpoint) {
    return where + ": " + failures.size() + " of " + users + " users failed, more than maxFailureRate "
        + maxFailureRate + " allows. First causes: " + causes(failures) + checkpointNote(checkpoint);
  }

  /**
   * A named list of users given to a fit, checked by {@link #requireFitUsers}.
   *
   * @param name the list's name in messages ({@code "train"})
   * @param users the users, possibly null (refused with the name)
   */
  public record NamedUsers(String name, @Nullable List<UserCase> users) {}

  /**
   * Refuses users a fit cannot learn from, naming the list and the user: a null or empty list, a
   * null user, a user without a relevant item among its candidates, one with more candidates than
   * labels, an id given twice across the lists.
   *
   * @param why why a relevant item is needed, in the algorithm's words
   * @param lists the fit's user lists, checked in order
   * @throws NullPointerException naming the list or the user that is null
   * @throws IllegalArgumentException naming the list and the user that cannot be used
   */
  public static void requireFitUsers(String why, NamedUsers... lists) {
    for (NamedUsers l : lists) {
      requireNonNull(l.users(), l.name());
    }
    for (NamedUsers l : lists) {
      if (l.users().isEmpty()) {
        throw new IllegalArgumentException(l.name() + " must not be empty");
      }
    }
    Set<String> ids = new HashSet<>();
    String all = String.join("/", Arrays.stream(lists).map(NamedUsers::name).toList());
    for (NamedUsers l : lists) {
      List<UserCase> list = l.users();
      for (int i = 0; i < list.size(); i++) {
        UserCase u = requireNonNull(list.get(i), l.name() + "[" + i + "]");
        if (u.relevantItemIds().isEmpty()) {
          throw new IllegalArgumentException(
              l.name() + " user " + u.userId() + " has no relevant item among its candidates: " + why
                  + " (keep only users whose held-out item is a candidate)");
        }
        if (u.candidates().size() > CandidateLabels.MAX_CANDIDATES) {
          throw new IllegalArgumentException(
              l.name() + " user " + u.userId() + " has " + u.candidates().size() + " candidates; at most "
                  + CandidateLabels.MAX_CANDIDATES);
        }
        if (!ids.add(u.userId())) {
          throw new IllegalArgumentException("user " + u.userId() + " appears more than once in " + all);
        }
      }
    }
  }

  /**
   * Why a fit stopped at {@code where}: the budget, an interrupt, or the exception.
   *
   * @param where the round and batch, such as {@code "epoch 2, batch 3"}
   * @param cause what stopped the fit
   * @return the stop's reason, without what to do next
   */
  public static String stopReason(String where, RuntimeException cause) {
    if (cause instanceof LlmBudgetExceededException) {
      return where + ": the budget ran out (" + cause.getMessage() + ")";
    }
    if (cause instanceof CancellationException) {
      return where + ": interrupted";
    }
    return where + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /**
   * What a stopped fit's user can do next, given its checkpoint (or none).
   *
   * @param checkpoint the fit's checkpoint, or null
   * @return a sentence to append to a stop's message
   */
  public static String checkpointNote(@Nullable Path checkpoint) {
    return checkpoint == null
        ? ". No checkpoint was configured; set checkpoint(path) to resume instead of starting over."
        : ". The checkpoint " + checkpoint + " holds the finished users; rerun with it to resume.";
  }

  /**
   * One listener that passes every call of {@code type}'s methods on to each of {@code listeners}
   * in order; one that throws a {@link RuntimeException} is logged on {@code log} and the others
   * still run, so a listener bug never stops a fit (an {@link Error} is not caught). Every method
   * of the interface is passed on, so a callback added to a listener interface needs no code here.
   *
   * @param <L> the listener interface
   * @param type the listener interface, whose methods all return {@code void}
   * @param listeners the listeners, called in this order
   * @param log where a listener's exception is logged
   * @return a listener of {@code type} that fans out to {@code listeners}
   * @throws IllegalArgumentException if {@code type} is not an interface or a method returns a value
   * @throws NullPointerException if an argument or a listener is null
   */
  public static <L> L fanOut(Class<L> type, List<? extends L> listeners, Logger log) {
    return fanOut(type, listeners, null, log);
  }

  /**
   * {@link #fanOut(Class, List, Logger)}, but {@code none} itself when there is no listener: a fit
   * without listeners then neither generates a proxy class at its start nor pays a reflective
   * call for every event.
   *
   * @param <L> the listener interface
   * @param type the listener interface, whose methods all return {@code void}
   * @param listeners the listeners, called in this order
   * @param none what to return when {@code listeners} is empty (an implementation that does
   *     nothing), or null for a fan-out to no one
   * @param log where a listener's exception is logged
   * @return {@code none} when there is no listener and it is given, else a listener of {@code
   *     type} that fans out to {@code listeners}
   * @throws IllegalArgumentException if {@code type} is not an interface or a method returns a value
   * @throws NullPointerException if {@code type}, {@code listeners}, a listener or {@code log} is null
   */
  public static <L> L fanOut(Class<L> type, List<? extends L> listeners, @Nullable L none, Logger log) {
    requireNonNull(log, "log");
    if (!type.isInterface()) {
      throw new IllegalArgumentException(type.getName() + " is not an interface");
    }
    for (Method m : type.getMethods()) {
      if (m.getReturnType() != void.class) {
        throw new IllegalArgumentException(type.getName() + "." + m.getName() + " returns a value; a fan-out cannot");
      }
    }
    List<L> all = List.copyOf(listeners);
    if (all.isEmpty() && none != null) {
      return none;
    }
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> type.getSimpleName() + " fan-out to " + all.size() + " listener(s)";
        };
      }
      for (L l : all) {
        try {
          method.invoke(l, args);
        } catch (InvocationTargetException e) {
          if (!(e.getCause() instanceof RuntimeException thrown)) {
            throw e.getCause();
          }
          log.warn("Listener {} threw from {}; the fit goes on", l.getClass().getName(), method.getName(), thrown);
        }
      }
      return null;
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
