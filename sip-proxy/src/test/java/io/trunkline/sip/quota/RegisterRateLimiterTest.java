package io.trunkline.sip.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.sip.metrics.Refusal;
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.quota.RegisterRateLimiter.Limit;
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

  @Test
  void aSourceGetsItsBurstThenItsRateThen503WithRetryAfterWhileOthersRegister() {
    RegisterRateLimiter limiter = limiter(new Limit(5, 30), new Limit(1000, 1000));

    int burst = admittedInARow(limiter, PHONE);
    Refusal refused = limiter.admit(PHONE).orElseThrow();
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(400)); // two tokens back at 5 per second
    int later = admittedInARow(limiter, PHONE);

    assertThat(burst).isEqualTo(30);
    assertThat(later).isEqualTo(2);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.phrase()).isEqualTo("Too Many Registrations");
    // Until its bucket is full again: 30 tokens at 5 a second.
    assertThat(refused.retryAfterSeconds()).isEqualTo(6);
    assertThat(refused.counted()).isEqualTo(RejectReason.REGISTER_RATE);
    assertThat(limiter.admit(NEIGHBOUR)).isEmpty();
  }

  @Test
  void theTrunkHoldsAStormFromManySourcesAndSpreadsItsRetries() {
    RegisterRateLimiter limiter = limiter(new Limit(5, 30), new Limit(200, 400));

    int admitted = 0;
    int refused = 0;
    Set<Integer> retryAfters = new HashSet<>();
    // A 1000-line office back from a power cut: each phone's challenge and answer at once.
    for (int phone = 0; phone < 1000; phone++) {
      InetSocketAddress source = new InetSocketAddress("192.0.2.7", 10_000 + phone);
      for (int i = 0; i < 2; i++) {
        Optional<Refusal> verdict = limiter.admit(source);
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
    int afterEightSeconds = admittedInARow(limiter, new InetSocketAddress("192.0.2.8", 5060));

    assertThat(admitted).isEqualTo(400);
    assertThat(refused).isEqualTo(1600);
    assertThat(retryAfters).hasSizeGreaterThan(1);
    // The trunk has 1600 tokens back in 8 s; a new source takes its own burst of them.
    assertThat(afterEightSeconds).isEqualTo(30);
  }

  @Test
  void forgetsSourcesOnceTheirBucketsRefilled() {
    RegisterRateLimiter limiter = limiter(new Limit(5, 30), new Limit(10_000, 10_000));
    for (int port = 1; port <= 100; port++) {
      admittedInARow(limiter, new InetSocketAddress("192.0.2.9", port));
    }
    assertThat(limiter.sourcesTracked()).isEqualTo(100);

    // 5 of their 30 tokens back: they still remember, so they are kept.
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    limiter.admit(PHONE);
    assertThat(limiter.sourcesTracked()).isEqualTo(101);

    // Full again after 6 s: forgotten, the phone's too, which is counted anew.
    now.addAndGet(TimeUnit.SECONDS.toNanos(6));
    limiter.admit(PHONE);
    assertThat(limiter.sourcesTracked()).isEqualTo(1);
  }

  private RegisterRateLimiter limiter(Limit perSource, Limit perTrunk) {
    return new RegisterRateLimiter(perSource, perTrunk, now::get, new Random(14));
  }

  private static int admittedInARow(RegisterRateLimiter limiter, InetSocketAddress source) {
    int admitted = 0;
    while (limiter.admit(source).isEmpty()) {
      admitted++;
    }
    return admitted;
  }
}
