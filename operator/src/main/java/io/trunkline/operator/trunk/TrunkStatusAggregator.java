package io.trunkline.operator.trunk;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.Problem;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.api.v1alpha1.trunk.SipTrunkStatus;
import io.trunkline.operator.scaling.SessionCount;
import io.trunkline.operator.status.Conditions;
import io.trunkline.operator.status.EventRecorder;
import io.trunkline.operator.trunk.pool.ProxyPool;
import io.trunkline.operator.trunk.pool.RelayPool;
import io.trunkline.operator.trunk.pool.TrunkMetadata;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Works out a SipTrunk's status from its compilation, its pools and what its proxies report: Ready
 * plus SnapshotCurrent, CarriersUp, SharedState and CarrierTrust, with the counts behind `kubectl
 * get siptrunks`. Only a status that differs is written, and an Event marks each condition that
 * turns false for a fault.
 */
final class TrunkStatusAggregator {

  static final String SNAPSHOT_CURRENT = "SnapshotCurrent";

  /**
   * Reasons of false conditions that are no fault, so no Event: pods still starting, and a pool
   * without a store, which the spec chose.
   */
  /** Ready's reason when the API server refuses a pool's pods: a fault, unlike pods starting. */
  static final String PODS_REFUSED = "PodsRefused";

  private static final String REPLICA_FAILURE = "ReplicaFailure";

  private static final Set<String> NOT_FAULTS = Set.of("PoolsNotReady", SharedState.SHARES);

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final SipTrunk trunk;
  private final SipTrunkStatus previous;
  private final SipTrunkStatus next;
  private final List<Condition> transitions;

  TrunkStatusAggregator(
      SipTrunk trunk,
      Compilation compilation,
      Optional<String> snapshotVersion,
      Optional<Deployment> proxy,
      Optional<Deployment> relay,
      Optional<SessionCount> sessions,
      Condition sharedState,
      Condition carrierTrust,
      int desiredReplicas,
      Clock clock) {
    this.trunk = trunk;
    this.previous = trunk.getStatus() == null ? new SipTrunkStatus() : trunk.getStatus();
    this.next = JSON.clone(previous);
    long generation =
        trunk.getMetadata().getGeneration() == null ? 0 : trunk.getMetadata().getGeneration();

    int proxiesReady = ready(proxy);
    int relaysReady = ready(relay);
    boolean relayNeeded = RelayPool.needed(trunk);
    next.setObservedGeneration(generation);
    next.setProxyReplicas(proxiesReady);
    next.setRelayReplicas(relayNeeded ? relaysReady : null);
    next.setDesiredProxyReplicas(
        ProxyPool.hpaMode(trunk)
            ? proxy.map(d -> d.getSpec().getReplicas()).orElse(null)
            : desiredReplicas);
    sessions.filter(SessionCount::complete).ifPresent(s -> next.setSessions(s.sessions()));
    next.setSnapshotConfigMap(TrunkMetadata.configMapName(trunk));
    if (!compilation.blocked()) {
      next.setSnapshotVersion(snapshotVersion.orElseThrow());
      next.setLines(compilation.config().lines().size());
    }
    int channels = trunk.getSpec().getChannels();
    next.setChannelUse(
        (next.getSessions() == null ? 0 : Math.min(next.getSessions(), channels)) + "/" + channels);
    CarriersUp carriers = new CarriersUp(trunk.getSpec().getCarriers(), sessions);
    next.setCarriersUp(carriers.column());
    Condition carriersUp = carriers.condition();

    List<Problem> trunkProblems =
        compilation.problems().stream().filter(p -> "SipTrunk".equals(p.kind())).toList();
    Condition snapshot =
        compilation.blocked()
            ? Conditions.of(
                SNAPSHOT_CURRENT,
                false,
                trunkProblems.isEmpty() ? Problem.INVALID_ROUTE : trunkProblems.get(0).reason(),
                "the last good snapshot stays in force: "
                    + compilation.problems().stream()
                        .map(p -> p.kind() + " " + p.name() + ": " + p.message())
                        .collect(Collectors.joining("; ")))
            : Conditions.of(
                SNAPSHOT_CURRENT,
                true,
                "Compiled",
                "snapshot "
                    + snapshotVersion.orElseThrow()
                    + " with "
                    + compilation.config().lines().size()
                    + " lines and "
                    + compilation.config().routes().size()
                    + " routes");
    boolean poolsReady = proxiesReady > 0 && (!relayNeeded || relaysReady > 0);
    Condition ready;
    if (!trunkProblems.isEmpty()) {
      ready =
          Conditions.of(
              Conditions.READY, false, trunkProblems.get(0).reason(), snapshot.getMessage());
    } else if (!poolsReady) {
      String counts =
          "ready proxies: " + proxiesReady + (relayNeeded ? ", ready relays: " + relaysReady : "");
      Optional<String> refused =
          refusal(proxy, TrunkMetadata.PROXY)
              .or(() -> relayNeeded ? refusal(relay, TrunkMetadata.RELAY) : Optional.empty());
      ready =
          refused.isPresent()
              ? Conditions.of(Conditions.READY, false, PODS_REFUSED, counts + "; " + refused.get())
              : Conditions.of(Conditions.READY, false, "PoolsNotReady", counts);
    } else {
      ready =
          Conditions.of(
              Conditions.READY,
              true,
              "PoolsReady",
              proxiesReady
                  + " proxies"
                  + (relayNeeded ? " and " + relaysReady + " relays" : "")
                  + " ready");
    }
    this.transitions =
        List.of(ready, snapshot, carriersUp, sharedState, carrierTrust).stream()
            .filter(c -> Conditions.changes(previous.getConditions(), c))
            .toList();
    List<Condition> conditions = previous.getConditions();
    conditions = Conditions.set(conditions, ready, generation, clock);
    conditions = Conditions.set(conditions, snapshot, generation, clock);
    conditions = Conditions.set(conditions, carriersUp, generation, clock);
    conditions = Conditions.set(conditions, sharedState, generation, clock);
    conditions = Conditions.set(conditions, carrierTrust, generation, clock);
    next.setConditions(conditions);
  }

  /** True when the status to write differs from the one stored. */
  boolean changed() {
    return !Objects.equals(JSON.asJson(previous), JSON.asJson(next));
  }

  SipTrunk patched() {
    SipTrunk copy = new SipTrunk();
    copy.setMetadata(trunk.getMetadata());
    copy.setSpec(trunk.getSpec());
    copy.setStatus(next);
    return copy;
  }

  /** One Event per condition that changed to false, naming what is wrong. */
  void emitEvents(KubernetesClient client) {
    EventRecorder events = new EventRecorder(client, Clock.systemUTC());
    for (Condition condition : transitions) {
      if (Conditions.FALSE.equals(condition.getStatus())
          && !NOT_FAULTS.contains(condition.getReason())) {
        events.warning(trunk, condition.getReason(), condition.getMessage());
      }
    }
  }

  /**
   * Why a pool's pods cannot be made, as its Deployment tells: the deployment controller copies the
   * ReplicaSet's ReplicaFailure there, with the API server's refusal (a ResourceQuota the trunk's
   * resources exceed, a LimitRange, an admission policy). Pods that merely start slowly have none.
   */
  private static Optional<String> refusal(Optional<Deployment> deployment, String pool) {
    return deployment.map(Deployment::getStatus).map(DeploymentStatus::getConditions).stream()
        .flatMap(List::stream)
        .filter(c -> REPLICA_FAILURE.equals(c.getType()) && Conditions.TRUE.equals(c.getStatus()))
        .findFirst()
        .map(c -> pool + " pods refused: " + c.getMessage());
  }

  private static int ready(Optional<Deployment> deployment) {
    return deployment
        .map(Deployment::getStatus)
        .map(s -> s.getReadyReplicas() == null ? 0 : s.getReadyReplicas())
        .orElse(0);
  }
}
