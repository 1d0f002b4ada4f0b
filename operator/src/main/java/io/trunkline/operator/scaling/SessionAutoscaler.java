package io.trunkline.operator.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Sizes a trunk's proxy pool from its concurrent sessions, the way the HorizontalPodAutoscaler
 * does: up at once, down only to the highest recommendation of the stabilisation window, always
 * within the bounds. One instance per trunk; it remembers that trunk's recent recommendations.
 */
public final class SessionAutoscaler {

  private final Deque<Recommendation> window = new ArrayDeque<>();

  /** What the pool needed at one moment. */
  private record Recommendation(Instant at, int replicas) {}

  /** Limits of one decision, from the trunk's spec.scaling. */
  public record Bounds(
      int minReplicas, int maxReplicas, int sessionsPerReplica, Duration stabilization) {}

  /**
   * The replicas the pool should run now.
   *
   * @param current replicas the Deployment asks for today
   * @param sessions the pool's sessions, or null when they could not all be read (then the pool
   *     keeps its size: scaling on a partial count would shrink it under live calls)
   */
  public synchronized int decide(int current, Integer sessions, Bounds bounds, Instant now) {
    int held = clamp(current, bounds);
    if (window.isEmpty()) {
      // After a restart nothing is known of the last window: hold the present size through one.
      window.add(new Recommendation(now, held));
    }
    if (sessions == null) {
      return held;
    }
    int needed = (sessions + bounds.sessionsPerReplica() - 1) / bounds.sessionsPerReplica();
    int recommended = clamp(needed, bounds);
    window.add(new Recommendation(now, recommended));
    Instant horizon = now.minus(bounds.stabilization());
    while (window.size() > 1 && window.peekFirst().at().isBefore(horizon)) {
      window.removeFirst();
    }
    if (recommended >= held) {
      return recommended;
    }
    int highest = window.stream().mapToInt(Recommendation::replicas).max().orElse(recommended);
    return Math.min(held, highest);
  }

  /**
   * When the size last decided may change without new sessions: the moment the highest
   * recommendation holding the pool up leaves the stabilisation window. Empty when nothing holds it
   * up.
   */
  public synchronized Optional<Instant> reviewAt(Bounds bounds) {
    if (window.isEmpty()) {
      return Optional.empty();
    }
    int latest = window.peekLast().replicas();
    Instant holding = null;
    for (Recommendation recommendation : window) {
      if (recommendation.replicas() > latest) {
        holding = recommendation.at();
      }
    }
    return Optional.ofNullable(holding).map(at -> at.plus(bounds.stabilization()));
  }

  private static int clamp(int replicas, Bounds bounds) {
    return Math.max(bounds.minReplicas(), Math.min(bounds.maxReplicas(), replicas));
  }
}
