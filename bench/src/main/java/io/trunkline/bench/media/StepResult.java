package io.trunkline.bench.media;

/**
 * One step's figures, and whether the target passed it.
 *
 * @param relayMicrosPerPacket the relay's CPU time (user and system) over the step, warm-up
 *     included, divided by the packets sent to it meanwhile; 0 without a relay
 */
record StepResult(
    int calls,
    LoadGenerator.Outcome outcome,
    double generatorCores,
    double relayCores,
    double relayMicrosPerPacket,
    String failure) {

  /** A step passes with fewer than 1 in 1,000 measured packets lost ... */
  static final int PASS_PER_MILLE = 1;

  /** ... and the packets sent at 95% or more of the asked rate (the generator kept pace). */
  static final int MIN_ACHIEVED_PERCENT = 95;

  long askedPerSecond() {
    return (long) calls * 2 * LoadGenerator.PACKETS_PER_SECOND;
  }

  /** Whether the generator failed to send at the asked rate: the step says nothing of the relay. */
  boolean generatorBehind() {
    return failure == null
        && outcome.achievedPerSecond() * 100 < askedPerSecond() * MIN_ACHIEVED_PERCENT;
  }

  boolean pass() {
    return failure == null
        && outcome.lost() * 1000 < outcome.sent() * PASS_PER_MILLE
        && outcome.achievedPerSecond() * 100 >= askedPerSecond() * MIN_ACHIEVED_PERCENT;
  }

  String why() {
    if (failure != null) {
      return failure;
    }
    if (generatorBehind()) {
      return String.format("generator sent only %.0f/s", outcome.achievedPerSecond());
    }
    return String.format("%.3f%% lost", 100.0 * outcome.lost() / outcome.sent());
  }
}
