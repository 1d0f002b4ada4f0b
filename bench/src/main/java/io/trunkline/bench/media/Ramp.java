package io.trunkline.bench.media;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The steps of one target: concurrent calls doubled while steps pass, then bisected between the
 * last pass and the first failure; or, when given, exactly the given numbers of calls, each
 * measured whether the one before passed or not (for CPU per packet at fixed rates).
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

  /** Every step that counted (not those run again), in order. */
  final List<StepResult> measured = new ArrayList<>();

  private final boolean fixed;
  private final Deque<Integer> given;
  int calls;
  int best;
  int failedAt;
  int refined;
  int retries;
  boolean done;
  String note = "";

  /**
   * @param given the numbers of calls to measure, in order; empty to ramp from {@code startCalls}
   */
  Ramp(
      String target,
      MediaPath path,
      long pid,
      int startCalls,
      int maxCalls,
      int refine,
      List<Integer> given) {
    this.target = target;
    this.path = path;
    this.pid = pid;
    this.maxCalls = maxCalls;
    this.refine = refine;
    this.fixed = !given.isEmpty();
    this.given = new ArrayDeque<>(given);
    this.calls = fixed ? this.given.poll() : startCalls;
  }

  void record(StepResult step) {
    if (step.generatorBehind() && retries < GENERATOR_RETRIES) {
      // The step measured the machine's other load, not the relay: the same step again.
      retries++;
      return;
    }
    retries = 0;
    measured.add(step);
    if (fixed) {
      next(step);
    } else {
      ramp(step);
    }
  }

  private void next(StepResult step) {
    if (step.pass()) {
      best = Math.max(best, step.calls());
    } else if (failedAt == 0) {
      failedAt = step.calls();
      note = "fails at " + step.calls() + " calls: " + step.why();
    }
    if (given.isEmpty()) {
      done = true;
    } else {
      calls = given.poll();
    }
  }

  private void ramp(StepResult step) {
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
