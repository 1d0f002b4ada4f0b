package io.trunkline.sip.quota;

import java.util.function.LongSupplier;

/**
 * A token bucket: holds up to {@code burst} tokens, refilled at {@code perSecond}; each admitted
 * request takes one. A burst is admitted at once, then requests as tokens come back.
 */
public final class TokenBucket {

  private final double perSecond;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  /**
   * @param burst at least 1, else the bucket would never admit
   */
  public TokenBucket(double perSecond, double burst, LongSupplier nanoTime) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("a bucket needs a positive rate and room for a token");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  /** Takes a token; false means over the rate. */
  public synchronized boolean tryTake() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Whether the bucket has refilled completely: it remembers nothing of what it admitted. */
  public synchronized boolean full() {
    refill();
    return tokens >= burst;
  }

  private void refill() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * perSecond / 1e9);
    last = now;
  }
}
