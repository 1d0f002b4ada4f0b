package io.trunkline.sip.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QuotaTest {

  @Test
  void neverGrantsMoreChannelsThanTheLimitUnderContention() throws Exception {
    InMemoryChannelQuota quota = new InMemoryChannelQuota();
    AtomicInteger granted = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      threads.submit(
          () -> {
            go.await();
            for (int i = 0; i < 1000; i++) {
              if (quota.tryAcquire("trunk/acme", 20)) {
                granted.incrementAndGet();
              }
            }
            return null;
          });
    }
    go.countDown();
    threads.shutdown();
    assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    // 8,000 attempts at a 20-channel trunk: exactly 20 calls, never a 21st.
    assertThat(granted).hasValue(20);
    assertThat(quota.inUse("trunk/acme")).isEqualTo(20);
    quota.release("trunk/acme");
    assertThat(quota.tryAcquire("trunk/acme", 20)).isTrue();
  }

  @Test
  void releasesNeverGoBelowZero() {
    InMemoryChannelQuota quota = new InMemoryChannelQuota();
    quota.release("line/anna");

    assertThat(quota.inUse("line/anna")).isZero();
    assertThat(quota.tryAcquire("line/anna", 1)).isTrue();
    assertThat(quota.tryAcquire("line/anna", 1)).isFalse();
  }

  @Test
  void admitsABurstOfOneSecondThenTheRate() {
    AtomicLong now = new AtomicLong();
    CallRateLimiter limiter = new CallRateLimiter(5, now::get);

    int burst = 0;
    while (limiter.tryAdmit()) {
      burst++;
    }
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(400)); // two tokens back at 5 per second
    int later = 0;
    while (limiter.tryAdmit()) {
      later++;
    }

    assertThat(burst).isEqualTo(5);
    assertThat(later).isEqualTo(2);
    assertThat(new CallRateLimiter(0, now::get).tryAdmit()).isTrue();
  }
}
