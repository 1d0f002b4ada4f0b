package io.trunkline.sip.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.sip.quota.ChannelQuota.Outcome;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QuotaTest {

  private static final List<ChannelQuota.Channel> TRUNK =
      List.of(new ChannelQuota.Channel("trunk/acme", 20, true));

  @Test
  void neverGrantsMoreChannelsThanTheLimitUnderContention() throws Exception {
    InMemoryChannelQuota quota = new InMemoryChannelQuota(System::nanoTime);
    AtomicInteger granted = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      threads.submit(
          () -> {
            go.await();
            for (int i = 0; i < 1000; i++) {
              if (quota.claimNow("rate/acme", 0, TRUNK) instanceof Outcome.Taken) {
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
    quota.release("call", List.of("trunk/acme"));
    assertThat(quota.claimNow("rate/acme", 0, TRUNK)).isEqualTo(ChannelQuota.TAKEN);
  }

  @Test
  void takesEveryChannelOfACallOrNone() {
    InMemoryChannelQuota quota = new InMemoryChannelQuota(System::nanoTime);
    List<ChannelQuota.Channel> call =
        List.of(
            new ChannelQuota.Channel("trunk/acme", 20, true),
            new ChannelQuota.Channel("line/anna", 1, false));
    assertThat(quota.claimNow("rate/acme", 0, call)).isEqualTo(ChannelQuota.TAKEN);

    // Anna's line is busy: the trunk channel taken on the way is given back.
    assertThat(quota.claimNow("rate/acme", 0, call)).isEqualTo(new Outcome.Full(1));
    assertThat(quota.inUse("trunk/acme")).isOne();
    assertThat(quota.inUse("line/anna")).isOne();
  }

  @Test
  void releasesNeverGoBelowZero() {
    InMemoryChannelQuota quota = new InMemoryChannelQuota(System::nanoTime);
    quota.release("never-claimed", List.of("line/anna"));
    List<ChannelQuota.Channel> anna = List.of(new ChannelQuota.Channel("line/anna", 1, false));

    assertThat(quota.inUse("line/anna")).isZero();
    assertThat(quota.claimNow("rate/acme", 0, anna)).isEqualTo(ChannelQuota.TAKEN);
    assertThat(quota.claimNow("rate/acme", 0, anna)).isEqualTo(new Outcome.Full(0));
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

  @Test
  void aFractionalRateAdmitsOneCallPerItsPeriod() {
    AtomicLong now = new AtomicLong();
    CallRateLimiter share = new CallRateLimiter(0.5, now::get);

    assertThat(share.tryAdmit()).isTrue();
    assertThat(share.tryAdmit()).isFalse();
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1900));
    assertThat(share.tryAdmit()).isFalse();
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(share.tryAdmit()).isTrue();
  }
}
