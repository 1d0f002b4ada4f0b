package io.trunkline.relay.control;

import java.time.Duration;

/**
 * When a refused reply is logged, and with what count: the first at once, then at most one line per
 * interval with the count since the last. A relay never sends a reply its client refuses (with
 * another key it drops the requests unanswered), so each refusal is forged or damaged, and a forger
 * must not set the pace of the log. Not thread-safe: one event loop owns it.
 */
final class RefusalLog {

  private final long intervalNanos;
  private long refusedSinceLog;
  private long nextLogNanos;

  /**
   * @param interval the shortest time between two lines
   * @param nowNanos the present on the {@link System#nanoTime()} scale: the first refusal is logged
   *     at once
   */
  RefusalLog(Duration interval, long nowNanos) {
    this.intervalNanos = interval.toNanos();
    this.nextLogNanos = nowNanos;
  }

  /**
   * Counts one refusal at {@code nowNanos} (the {@link System#nanoTime()} scale, compared by
   * difference as it may wrap).
   *
   * @return the refusals to log now, this one and those held back since the last line; 0 while the
   *     line must wait
   */
  long refused(long nowNanos) {
    refusedSinceLog++;
    if (nowNanos - nextLogNanos < 0) {
      return 0;
    }
    nextLogNanos = nowNanos + intervalNanos;
    long count = refusedSinceLog;
    refusedSinceLog = 0;
    return count;
  }
}
