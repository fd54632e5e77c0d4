package dev.agp.rpp;

import dev.agp.llm.Ticker;
import dev.agp.Item;
import dev.agp.UserCase;
import dev.agp.llm.LlmBudgetExceededException;
import dev.agp.llm.LlmClient;
import dev.agp.llm.LlmRequest;
import dev.agp.llm.LlmResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Small fixtures shared by the RPP tests. */
final class RppTesting {

  /** A clock that never moves: latencies are 0, so usage reports compare equal across runs. */
  static final Ticker FROZEN = () -> 0;

  /** The title that makes the failing scripts fail. */
  static final String CURSED = "Cursed Tape";

  private RppTesting() {}

  /** {@code perKind} users of each kind, saga watchers first. */
  static List<UserCase> mixed(String prefix, int perKind, long seed) {
    List<UserCase> out = new ArrayList<>(RppWorld.users(RppWorld.Kind.SAGA, prefix + "s", perKind, seed));
    out.addAll(RppWorld.users(RppWorld.Kind.GENRE, prefix + "g", perKind, seed + 1));
    return out;
  }

  /** {@code user} with a last history item whose title is {@link #CURSED}. */
  static UserCase cursed(UserCase user) {
    List<Item> history = new ArrayList<>(user.history());
    history.add(Item.of("cursed-" + user.userId(), CURSED));
    return new UserCase(user.userId(), history, user.candidates(), user.relevantItemIds());
  }

  /** A fast optimizer over the world's script. */
  static RppOptimizer.Builder small(LlmClient llm) {
    return RppOptimizer.builder().llm(llm).domain(RppWorld.DOMAIN).iterations(3).batchSize(4).ticker(FROZEN);
  }

  /** Lets {@code limit} calls through, then refuses every call as over budget. */
  static final class Budget implements LlmClient {
    private final LlmClient delegate;
    private final int limit;
    final AtomicInteger paid = new AtomicInteger();

    Budget(LlmClient delegate, int limit) {
      this.delegate = delegate;
      this.limit = limit;
    }

    @Override
    public LlmResponse complete(LlmRequest request) {
      if (paid.incrementAndGet() > limit) {
        paid.decrementAndGet();
        throw new LlmBudgetExceededException("the test budget of " + limit + " calls is spent", request.stage());
      }
      return delegate.complete(request);
    }
  }
}
