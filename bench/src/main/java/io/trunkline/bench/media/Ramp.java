package io.trunkline.bench.media;

/**
 * The ramp of one target: concurrent calls doubled while steps pass, then bisected between the last
 * pass and the first failure.
 */
final class Ramp {

  /**
   * A step where the generator fell behind (the shared machine was busy) is run again this many
   * times before it counts as failed.
   */
  static final int GENERATOR_RETRIES = 2;

  final String target;
  final MediaPath path;
  final long pid;
  final int maxCalls;
  final int refine;
  int calls;
  int best;
  int failedAt;
  int refined;
  int retries;
  boolean done;
  String note = "";

  Ramp(String target, MediaPath path, long pid, int startCalls, int maxCalls, int refine) {
    this.target = target;
    this.path = path;
    this.pid = pid;
    this.calls = startCalls;
    this.maxCalls = maxCalls;
    this.refine = refine;
  }

  void record(StepResult step) {
    if (step.generatorBehind() && retries < GENERATOR_RETRIES) {
      // The step measured the machine's other load, not the relay: the same step again.
      retries++;
      return;
    }
    retries = 0;
    if (step.pass()) {
      best = step.calls();
    } else {
      failedAt = step.calls();
      note = "fails at " + step.calls() + " calls: " + step.why();
    }
    if (failedAt == 0) {
      calls *= 2;
      if (calls > maxCalls) {
        done = true;
        note = "no failure up to " + best + " calls (the largest step asked)";
      }
      return;
    }
    if (best == 0) {
      done = true;
      note = "every step failed; " + note;
      return;
    }
    int mid = (best + failedAt) / 2 / 10 * 10;
    if (refined >= refine || mid <= best || mid >= failedAt) {
      done = true;
      return;
    }
    refined++;
    calls = mid;
  }
}
