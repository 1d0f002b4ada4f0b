package io.trunkline.sip.quota;

import java.util.function.LongSupplier;

/**
 * New calls per second for one trunk, as a token bucket holding one second's worth: a burst up to
 * the rate is admitted at once, then calls are admitted as tokens come back, so a PBX retry storm
 * reaches the carrier at the agreed rate and no faster. A fractional rate (a replica's share of a
 * trunk's) holds one call's worth, so it admits a call at least every 1/rate seconds.
 */
public final class CallRateLimiter {

  private final double callsPerSecond;
  private final TokenBucket bucket;

  /** {@code callsPerSecond} 0 or less admits everything. */
  public CallRateLimiter(double callsPerSecond, LongSupplier nanoTime) {
    this.callsPerSecond = callsPerSecond;
    this.bucket =
        callsPerSecond <= 0
            ? null
            : new TokenBucket(callsPerSecond, Math.max(1, callsPerSecond), nanoTime);
  }

  public double callsPerSecond() {
    return callsPerSecond;
  }

  /** Takes a token for one new call; false means over the rate. */
  public boolean tryAdmit() {
    return bucket == null || bucket.tryTake();
  }
}
