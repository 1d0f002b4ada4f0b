package io.trunkline.sip.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.api.config.TrunkConfig.RegisterLimit;
import io.trunkline.api.config.TrunkConfig.Registration;
import io.trunkline.sip.metrics.Refusal;
import io.trunkline.sip.metrics.RejectReason;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RegisterRateLimiterTest {

  private static final InetSocketAddress PHONE = new InetSocketAddress("192.0.2.7", 5060);

  /** Another phone behind the same NAT address: another port. */
  private static final InetSocketAddress NEIGHBOUR = new InetSocketAddress("192.0.2.7", 5061);

  private final AtomicLong now = new AtomicLong();
  private final RegisterRateLimiter limiter = new RegisterRateLimiter(now::get, new Random(14));

  @Test
  void aSourceGetsItsBurstThenItsRateThen503WithRetryAfterWhileOthersRegister() {
    Registration limits = limits(5, 30, 1000, 1000);

    int burst = admittedInARow(limits, PHONE);
    Refusal refused = limiter.admit(PHONE, limits).orElseThrow();
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(400)); // two tokens back at 5 per second
    int later = admittedInARow(limits, PHONE);

    assertThat(burst).isEqualTo(30);
    assertThat(later).isEqualTo(2);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.phrase()).isEqualTo("Too Many Registrations");
    // Until its bucket is full again: 30 tokens at 5 a second.
    assertThat(refused.retryAfterSeconds()).isEqualTo(6);
    assertThat(refused.counted()).isEqualTo(RejectReason.REGISTER_RATE);
    assertThat(limiter.admit(NEIGHBOUR, limits)).isEmpty();
  }

  @Test
  void aSourcesRetryAfterIsBoundedWhateverItsBurstAndRate() {
    Registration limits = limits(1, 100_000, 10_000, 100_000);
    admittedInARow(limits, PHONE);

    // Its bucket is full again only after 100,000 s; the phone is asked back after five minutes.
    assertThat(limiter.admit(PHONE, limits))
        .map(Refusal::retryAfterSeconds)
        .contains(RegisterRateLimiter.SOURCE_RETRY_MAX);
  }

  @Test
  void theTrunkHoldsAStormFromManySourcesAndSpreadsItsRetries() {
    Registration limits = limits(5, 30, 200, 400);

    int admitted = 0;
    int refused = 0;
    Set<Integer> retryAfters = new HashSet<>();
    // A 1000-line office back from a power cut: each phone's challenge and answer at once.
    for (int phone = 0; phone < 1000; phone++) {
      InetSocketAddress source = new InetSocketAddress("192.0.2.7", 10_000 + phone);
      for (int i = 0; i < 2; i++) {
        Optional<Refusal> verdict = limiter.admit(source, limits);
        if (verdict.isEmpty()) {
          admitted++;
        } else {
          refused++;
          assertThat(verdict.get().phrase()).isEqualTo("Registrar Busy");
          assertThat(verdict.get().retryAfterSeconds()).isBetween(5, 30);
          retryAfters.add(verdict.get().retryAfterSeconds());
        }
      }
    }
    now.addAndGet(TimeUnit.SECONDS.toNanos(8));
    int afterEightSeconds = admittedInARow(limits, new InetSocketAddress("192.0.2.8", 5060));

    assertThat(admitted).isEqualTo(400);
    assertThat(refused).isEqualTo(1600);
    assertThat(retryAfters).hasSizeGreaterThan(1);
    // The trunk has 1600 tokens back in 8 s; a new source takes its own burst of them.
    assertThat(afterEightSeconds).isEqualTo(30);
  }

  @Test
  void forgetsSourcesOnceTheirBucketsRefilled() {
    Registration limits = limits(5, 30, 10_000, 10_000);
    for (int port = 1; port <= 100; port++) {
      admittedInARow(limits, new InetSocketAddress("192.0.2.9", port));
    }
    assertThat(limiter.sourcesTracked()).isEqualTo(100);

    // 5 of their 30 tokens back: they still remember, so they are kept.
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    limiter.admit(PHONE, limits);
    assertThat(limiter.sourcesTracked()).isEqualTo(101);

    // Full again after 6 s: forgotten, the phone's too, which is counted anew.
    now.addAndGet(TimeUnit.SECONDS.toNanos(6));
    limiter.admit(PHONE, limits);
    assertThat(limiter.sourcesTracked()).isEqualTo(1);
  }

  @Test
  void aSnapshotThatChangesTheLimitsAppliesThemAtOnceWithFullBuckets() {
    Registration office = limits(5, 30, 200, 400);
    // A site of 5,000 phones behind one NAT: each its own port, so the trunk's budget is the one.
    Registration site = limits(5, 30, 1000, 10_000);
    for (int phone = 0; phone < 400; phone++) {
      assertThat(limiter.admit(new InetSocketAddress("192.0.2.7", 10_000 + phone), office))
          .isEmpty();
    }
    Optional<Refusal> busy = limiter.admit(new InetSocketAddress("192.0.2.7", 10_400), office);

    int admitted = 0;
    for (int phone = 0; phone < 10_001; phone++) {
      if (limiter.admit(new InetSocketAddress("192.0.2.7", 20_000 + phone), site).isEmpty()) {
        admitted++;
      }
    }

    assertThat(busy).map(Refusal::phrase).contains("Registrar Busy");
    assertThat(admitted).isEqualTo(10_000);
  }

  @Test
  void aSnapshotThatLeavesTheLimitsAsTheyWereKeepsTheirBuckets() {
    int burst = admittedInARow(limits(2, 4, 200, 400), PHONE);
    // A new snapshot (a line added), equal limits: the phone's spent burst is not handed back.
    Optional<Refusal> again = limiter.admit(PHONE, limits(2, 4, 200, 400));
    Optional<Refusal> lowered = limiter.admit(PHONE, limits(1, 3, 200, 400));

    assertThat(burst).isEqualTo(4);
    assertThat(again).map(Refusal::retryAfterSeconds).contains(2);
    // New limits, new buckets: the phone's own is full again, and its Retry-After is the new one.
    assertThat(lowered).isEmpty();
    assertThat(admittedInARow(limits(1, 3, 200, 400), PHONE)).isEqualTo(2);
    assertThat(limiter.admit(PHONE, limits(1, 3, 200, 400)))
        .map(Refusal::retryAfterSeconds)
        .contains(3);
  }

  private static Registration limits(
      int perSourcePerSecond, int perSourceBurst, int perTrunkPerSecond, int perTrunkBurst) {
    return new Registration(
        new RegisterLimit(perSourcePerSecond, perSourceBurst),
        new RegisterLimit(perTrunkPerSecond, perTrunkBurst));
  }

  private int admittedInARow(Registration limits, InetSocketAddress source) {
    int admitted = 0;
    while (limiter.admit(source, limits).isEmpty()) {
      admitted++;
    }
    return admitted;
  }
}
