package io.trunkline.sip.quota;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The quotas of one proxy, counted in memory: compare-and-set per channel, so a 20-channel trunk
 * never carries a 21st, and one token bucket per rate key.
 */
public final class InMemoryChannelQuota implements ChannelQuota {

  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final Map<String, CallRateLimiter> rates = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  public InMemoryChannelQuota(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  @Override
  public CompletionStage<Outcome> claim(
      String id, String rateKey, int callsPerSecond, List<Channel> channels) {
    return CompletableFuture.completedFuture(claimNow(rateKey, callsPerSecond, channels));
  }

  /** {@link #claim}, answered at once. */
  public Outcome claimNow(String rateKey, double callsPerSecond, List<Channel> channels) {
    // No limit touches no bucket: an emergency call must not reset the trunk's spent budget.
    if (callsPerSecond > 0 && !rate(rateKey, callsPerSecond).tryAdmit()) {
      return OVER_RATE;
    }
    for (int i = 0; i < channels.size(); i++) {
      if (!tryAcquire(channels.get(i))) {
        for (int taken = 0; taken < i; taken++) {
          release(channels.get(taken).key());
        }
        return new Outcome.Full(i);
      }
    }
    return TAKEN;
  }

  /** Counts channels taken elsewhere (in a shared store), whatever the limit. */
  public void hold(List<String> keys) {
    keys.forEach(key -> counter(key).incrementAndGet());
  }

  @Override
  public void release(String id, List<String> keys) {
    keys.forEach(this::release);
  }

  @Override
  public int inUse(String key) {
    AtomicInteger count = counts.get(key);
    return count == null ? 0 : count.get();
  }

  private boolean tryAcquire(Channel channel) {
    AtomicInteger count = counter(channel.key());
    while (true) {
      int now = count.get();
      if (now >= channel.limit()) {
        return false;
      }
      if (count.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  private void release(String key) {
    AtomicInteger count = counts.get(key);
    if (count != null) {
      count.updateAndGet(now -> Math.max(0, now - 1));
    }
  }

  private AtomicInteger counter(String key) {
    return counts.computeIfAbsent(key, k -> new AtomicInteger());
  }

  /** One bucket per key, made anew when the snapshot (or a share) changes the rate. */
  private CallRateLimiter rate(String key, double callsPerSecond) {
    return rates.compute(
        key,
        (k, current) ->
            current != null && current.callsPerSecond() == callsPerSecond
                ? current
                : new CallRateLimiter(callsPerSecond, nanoTime));
  }
}
