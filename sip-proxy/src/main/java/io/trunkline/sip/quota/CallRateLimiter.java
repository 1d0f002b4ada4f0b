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
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  /** {@code callsPerSecond} 0 or less admits everything. */
  public CallRateLimiter(double callsPerSecond, LongSupplier nanoTime) {
    this.callsPerSecond = callsPerSecond;
    this.nanoTime = nanoTime;
    this.tokens = Math.max(1, callsPerSecond);
    this.last = nanoTime.getAsLong();
  }

  public double callsPerSecond() {
    return callsPerSecond;
  }

  /** Takes a token for one new call; false means over the rate. */
  public synchronized boolean tryAdmit() {
    if (callsPerSecond <= 0) {
      return true;
    }
    long now = nanoTime.getAsLong();
    tokens = Math.min(Math.max(1, callsPerSecond), tokens + (now - last) * callsPerSecond / 1e9);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
