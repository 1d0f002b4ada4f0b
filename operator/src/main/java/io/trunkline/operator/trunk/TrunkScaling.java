package io.trunkline.operator.trunk;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.operator.scaling.SessionAutoscaler;
import io.trunkline.operator.scaling.SessionCount;
import io.trunkline.operator.trunk.pool.ProxyPool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy pool's size in Operator scaling mode: one {@link SessionAutoscaler} per trunk, fed with
 * the session counts the polling event source brings, decided once per reconcile before the
 * workflow applies the Deployment. Recommendations live in memory: after an operator restart each
 * pool holds its size for one stabilisation window before it may shrink.
 */
final class TrunkScaling {

  private static final String KEY = TrunkScaling.class.getName();

  private final Map<ResourceID, SessionAutoscaler> autoscalers = new ConcurrentHashMap<>();
  private final Clock clock;

  TrunkScaling(Clock clock) {
    this.clock = clock;
  }

  /** Decides the replicas for this reconcile and leaves them for the proxy Deployment. */
  Decision decide(
      SipTrunk trunk,
      Optional<Deployment> proxy,
      Optional<SessionCount> sessions,
      Context<SipTrunk> context) {
    SessionAutoscaler.Bounds bounds = ProxyPool.scalingBounds(trunk);
    int current =
        proxy
            .map(d -> d.getSpec().getReplicas())
            .filter(r -> r != null)
            .orElse(bounds.minReplicas());
    Integer counted =
        sessions.filter(SessionCount::complete).map(SessionCount::sessions).orElse(null);
    SessionAutoscaler autoscaler =
        autoscalers.computeIfAbsent(ResourceID.fromResource(trunk), id -> new SessionAutoscaler());
    Instant now = clock.instant();
    int replicas = autoscaler.decide(current, counted, bounds, now);
    context.managedWorkflowAndDependentResourceContext().put(KEY, replicas);
    return new Decision(replicas, autoscaler.reviewAt(bounds).map(at -> Duration.between(now, at)));
  }

  /**
   * The size for now, and when to look again even if no session count changes: a pool held up by
   * the stabilisation window must shrink when the window passes, not at the next resync.
   */
  record Decision(int replicas, Optional<Duration> reviewIn) {}

  static int replicas(Context<SipTrunk> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, Integer.class);
  }
}
