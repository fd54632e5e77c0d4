package dev.agp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class FitSupportTest {

  @Test
  void daemonThreads_namedByPrefixAndNumberFromZero_normalPriorityDaemons() {
    ThreadFactory f = FitSupport.daemonThreads("agp-fit-");
    Runnable nothing = () -> {};

    Thread first = f.newThread(nothing);
    Thread second = f.newThread(nothing);

    assertThat(first.getName()).isEqualTo("agp-fit-0");
    assertThat(second.getName()).isEqualTo("agp-fit-1");
    assertThat(first.isDaemon()).isTrue();
    assertThat(second.isDaemon()).isTrue();
    assertThat(first.getPriority()).isEqualTo(Thread.NORM_PRIORITY);
    assertThat(FitSupport.daemonThreads("rpp-fit-").newThread(nothing).getName()).isEqualTo("rpp-fit-0");
  }
}
