package io.trunkline.sip.transaction;

import java.time.Duration;

/**
 * The RFC 3261 §17 timer base values. T1 is the round-trip estimate; retransmissions double from T1
 * and, for non-INVITE requests and INVITE responses, stop doubling at T2; T4 is how long the
 * network may hold a message. Timer C is how long a proxied INVITE may ring without a final
 * response before the proxy cancels it (§16.6 step 11, §16.8).
 */
public record TransactionTimers(Duration t1, Duration t2, Duration t4, Duration c) {

  /** The values of RFC 3261 Table 4; Timer C just over the three minutes §16.6 asks for. */
  public static final TransactionTimers RFC_3261 =
      new TransactionTimers(
          Duration.ofMillis(500),
          Duration.ofSeconds(4),
          Duration.ofSeconds(5),
          Duration.ofMinutes(3).plusSeconds(1));

  /** 64 x T1: Timers B, F, H and J, and how long a transaction waits for the network to settle. */
  public long timeoutMillis() {
    return 64 * t1.toMillis();
  }
}
