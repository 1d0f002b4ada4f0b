package io.trunkline.sip.quota;

import io.trunkline.api.config.TrunkConfig.RegisterLimit;
import io.trunkline.api.config.TrunkConfig.Registration;
import io.trunkline.sip.metrics.Refusal;
import io.trunkline.sip.metrics.RejectReason;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * counts what it serves. The rates and bursts are the trunk's {@code spec.registration}, read from
 * the snapshot of each REGISTER; decision 0022 explains their defaults.
 */
public final class RegisterRateLimiter {

  /** A refused trunk storm comes back spread over this many seconds, at the earliest the first. */
  private static final int TRUNK_RETRY_MIN = 5;

  private static final int TRUNK_RETRY_MAX = 30;

  /**
   * A source is told to come back when its bucket is full, but never later than this: a large burst
   * at a low rate (100,000 at 1 a second) would otherwise keep a phone unregistered for a day.
   */
  static final int SOURCE_RETRY_MAX = 300;

  private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

  private final LongSupplier nanoTime;
  private final RandomGenerator random;
  private final AtomicReference<Buckets> buckets = new AtomicReference<>();
  private final AtomicLong lastSweep;

  public RegisterRateLimiter(LongSupplier nanoTime, RandomGenerator random) {
    this.nanoTime = nanoTime;
    this.random = random;
    this.lastSweep = new AtomicLong(nanoTime.getAsLong());
  }

  /**
   * Takes a token for one REGISTER from {@code source}, first from its own bucket (so one flooder
   * does not spend the trunk's), then from the trunk's.
   *
   * @param limits the trunk's, from the snapshot the REGISTER is served with
   * @return empty when admitted, else the 503 to answer
   */
  public Optional<Refusal> admit(InetSocketAddress source, Registration limits) {
    Buckets current = bucketsFor(limits);
    forgetQuietSources(current);
    RegisterLimit perSource = limits.perSource();
    TokenBucket own = current.sources.computeIfAbsent(source, s -> bucket(perSource));
    if (!own.tryTake()) {
      // Back when its bucket is full again: its whole burst is then its own once more.
      double seconds = Math.ceil((double) perSource.burst() / perSource.perSecond());
      return Optional.of(
          refusal("Too Many Registrations", (int) Math.min(seconds, SOURCE_RETRY_MAX)));
    }
    if (!current.trunk.tryTake()) {
      // Spread, so that the refused part of the storm does not come back as one storm.
      return Optional.of(
          refusal("Registrar Busy", random.nextInt(TRUNK_RETRY_MIN, TRUNK_RETRY_MAX + 1)));
    }
    return Optional.empty();
  }

  /** Sources being counted now, for tests. */
  int sourcesTracked() {
    Buckets current = buckets.get();
    return current == null ? 0 : current.sources.size();
  }

  /**
   * The buckets of these limits: those in use while a new snapshot leaves the limits as they were,
   * full new ones when it changes them, as the calls per second's are ({@link
   * InMemoryChannelQuota}).
   */
  private Buckets bucketsFor(Registration limits) {
    Buckets current = buckets.get();
    if (current != null && current.limits.equals(limits)) {
      return current;
    }
    return buckets.updateAndGet(
        now ->
            now != null && now.limits.equals(limits)
                ? now
                : new Buckets(limits, bucket(limits.perTrunk())));
  }

  private TokenBucket bucket(RegisterLimit limit) {
    return new TokenBucket(limit.perSecond(), limit.burst(), nanoTime);
  }

  /**
   * Once a second, drops the buckets of sources that have refilled: they remember nothing, so
   * memory holds only the sources of the last few seconds, however many addresses a flood uses.
   */
  private void forgetQuietSources(Buckets current) {
    long now = nanoTime.getAsLong();
    long last = lastSweep.get();
    if (now - last >= SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, now)) {
      current.sources.values().removeIf(TokenBucket::full);
    }
  }

  private static Refusal refusal(String phrase, int retryAfterSeconds) {
    return Refusal.retryLater(
        Response.SERVICE_UNAVAILABLE, phrase, retryAfterSeconds, RejectReason.REGISTER_RATE);
  }

  /** The trunk's bucket and its sources' under one setting of the limits. */
  private record Buckets(
      Registration limits, TokenBucket trunk, Map<InetSocketAddress, TokenBucket> sources) {
    Buckets(Registration limits, TokenBucket trunk) {
      this(limits, trunk, new ConcurrentHashMap<>());
    }
  }
}
