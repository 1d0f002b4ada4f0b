package io.trunkline.sip.quota;

import io.trunkline.sip.metrics.Refusal;
import io.trunkline.sip.metrics.RejectReason;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import javax.sip.message.Response;

/**
 * REGISTERs per source and per trunk, each a {@link TokenBucket}, so that a registration storm (a
 * fleet of phones back from a power cut, a phone looping on a bad setting, a scanner) meets 503
 * with Retry-After (RFC 3261 §21.5.4) instead of unbounded digest checks and location-store writes.
 * Not 403: a phone takes that for wrong credentials and may stop trying.
 *
 * <p>A source is an address and port, as a registrar behind NAT tells phones apart: an office's
 * phones behind one public address each have their own port there, so they do not share one
 * source's budget; a flooder that changes ports is still held by the trunk's. Each proxy of a pool
 * counts what it serves. Decision 0022 explains the figures.
 */
public final class RegisterRateLimiter {

  /** The rate and burst of one bucket. */
  public record Limit(double perSecond, int burst) {}

  /**
   * A phone with a dozen accounts registers each at boot, challenge and answer: 24 REGISTERs at
   * once from one port; then a few a second, far above any refresh.
   */
  public static final Limit PER_SOURCE = new Limit(5, 30);

  /**
   * A 1000-line office coming back at once sends 2000 REGISTERs (challenge and answer): 400 at
   * once, the rest within 8 s; refreshes of thousands of lines are a few a second.
   */
  public static final Limit PER_TRUNK = new Limit(200, 400);

  /** A refused trunk storm comes back spread over this many seconds, at the earliest the first. */
  private static final int TRUNK_RETRY_MIN = 5;

  private static final int TRUNK_RETRY_MAX = 30;

  private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

  private final Limit perSource;
  private final TokenBucket trunk;
  private final LongSupplier nanoTime;
  private final RandomGenerator random;
  private final Map<InetSocketAddress, TokenBucket> sources = new ConcurrentHashMap<>();
  private final AtomicLong lastSweep;

  public RegisterRateLimiter(
      Limit perSource, Limit perTrunk, LongSupplier nanoTime, RandomGenerator random) {
    this.perSource = perSource;
    this.trunk = new TokenBucket(perTrunk.perSecond(), perTrunk.burst(), nanoTime);
    this.nanoTime = nanoTime;
    this.random = random;
    this.lastSweep = new AtomicLong(nanoTime.getAsLong());
  }

  /** The defaults above, on the system's ticker. */
  public static RegisterRateLimiter defaults() {
    return new RegisterRateLimiter(PER_SOURCE, PER_TRUNK, System::nanoTime, new Random());
  }

  /**
   * Takes a token for one REGISTER from {@code source}, first from its own bucket (so one flooder
   * does not spend the trunk's), then from the trunk's.
   *
   * @return empty when admitted, else the 503 to answer
   */
  public Optional<Refusal> admit(InetSocketAddress source) {
    forgetQuietSources();
    TokenBucket own =
        sources.computeIfAbsent(
            source, s -> new TokenBucket(perSource.perSecond(), perSource.burst(), nanoTime));
    if (!own.tryTake()) {
      // Back when its bucket is full again: its whole burst is then its own once more.
      int seconds = (int) Math.ceil(perSource.burst() / perSource.perSecond());
      return Optional.of(refusal("Too Many Registrations", seconds));
    }
    if (!trunk.tryTake()) {
      // Spread, so that the refused part of the storm does not come back as one storm.
      return Optional.of(
          refusal("Registrar Busy", random.nextInt(TRUNK_RETRY_MIN, TRUNK_RETRY_MAX + 1)));
    }
    return Optional.empty();
  }

  /** Sources being counted now, for tests. */
  int sourcesTracked() {
    return sources.size();
  }

  /**
   * Once a second, drops the buckets of sources that have refilled: they remember nothing, so
   * memory holds only the sources of the last few seconds, however many addresses a flood uses.
   */
  private void forgetQuietSources() {
    long now = nanoTime.getAsLong();
    long last = lastSweep.get();
    if (now - last >= SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, now)) {
      sources.values().removeIf(TokenBucket::full);
    }
  }

  private static Refusal refusal(String phrase, int retryAfterSeconds) {
    return Refusal.retryLater(
        Response.SERVICE_UNAVAILABLE, phrase, retryAfterSeconds, RejectReason.REGISTER_RATE);
  }
}
