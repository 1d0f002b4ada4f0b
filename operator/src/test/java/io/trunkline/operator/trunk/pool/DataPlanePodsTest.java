package io.trunkline.operator.trunk.pool;

import static io.trunkline.operator.trunk.pool.TestTrunks.SETTINGS;
import static io.trunkline.operator.trunk.pool.TestTrunks.trunk;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.PROXY;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.RELAY;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DataPlanePodsTest {

  private final SipTrunk trunk = trunk("");

  @Test
  void theDataPlaneRunsWithoutAnApiToken() {
    var account = DataPlanePods.serviceAccount(trunk);
    PodSpec pod = DataPlanePods.podSpec(trunk, TrunkMetadata.PROXY, 60).build();

    assertThat(account.getMetadata().getName()).isEqualTo("acme-dataplane");
    assertThat(account.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getServiceAccountName()).isEqualTo("acme-dataplane");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
  }

  @Test
  void podsSpreadOverZonesAndNodesButScheduleAnyway() {
    PodSpec pod = DataPlanePods.podSpec(trunk, TrunkMetadata.RELAY, 60).build();

    assertThat(pod.getTopologySpreadConstraints())
        .allSatisfy(c -> assertThat(c.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway"))
        .allSatisfy(
            c ->
                assertThat(c.getLabelSelector().getMatchLabels())
                    .isEqualTo(TrunkMetadata.selector(trunk, TrunkMetadata.RELAY)))
        .extracting(c -> c.getTopologyKey())
        .containsExactly(DataPlanePods.ZONE_KEY, DataPlanePods.HOSTNAME_KEY);
    assertThat(pod.getAffinity()).isNull();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
  }

  @Test
  void engineContainersAreLockedDownAndProbedOnTheOpsPort() {
    Container container = DataPlanePods.engineContainer("engine", "engine:1", null).build();

    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo(DataPlanePods.opsPort().getName());
  }

  @Test
  void eachEngineAsksForTheDefaultsUnlessItsTrunkGivesItsOwn() {
    SipTrunk sized =
        trunk(
            """
            resources:
              proxy: {limits: {memory: 1Gi, cpu: "2"}}
              relay: {requests: {cpu: 500m}}""");

    assertThat(amounts(resources(trunk, PROXY)))
        .containsExactly("requests cpu=250m", "requests memory=256Mi", "limits memory=512Mi");
    assertThat(amounts(resources(trunk, RELAY))).isEqualTo(amounts(resources(trunk, PROXY)));
    // What is not given keeps its default, and the memory limit is always there.
    assertThat(amounts(resources(sized, PROXY)))
        .containsExactly(
            "requests cpu=250m", "requests memory=256Mi", "limits cpu=2", "limits memory=1Gi");
    assertThat(amounts(resources(sized, RELAY)))
        .containsExactly("requests cpu=500m", "requests memory=256Mi", "limits memory=512Mi");
  }

  /** The engine container's resources in the pool's Deployment. */
  private static ResourceRequirements resources(SipTrunk trunk, String pool) {
    Deployment deployment =
        pool.equals(PROXY)
            ? ProxyPool.deployment(trunk, SETTINGS, 1, Optional.empty())
            : RelayPool.deployment(trunk, SETTINGS);
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getResources();
  }

  private static List<String> amounts(ResourceRequirements resources) {
    List<String> amounts = new ArrayList<>();
    new TreeMap<>(resources.getRequests())
        .forEach((name, amount) -> amounts.add("requests " + name + "=" + amount));
    new TreeMap<>(resources.getLimits())
        .forEach((name, amount) -> amounts.add("limits " + name + "=" + amount));
    return amounts;
  }

  @Test
  void eachPoolLosesOnePodAtATimeToEvictions() {
    var proxy = ProxyPool.disruptionBudget(trunk);
    var relay = RelayPool.disruptionBudget(trunk);

    assertThat(proxy.getMetadata().getName()).isEqualTo("acme-sip-proxy");
    assertThat(relay.getMetadata().getName()).isEqualTo("acme-media-relay");
    assertThat(proxy.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(relay.getSpec().getSelector().getMatchLabels())
        .isEqualTo(TrunkMetadata.selector(trunk, TrunkMetadata.RELAY));
  }

  @Test
  void theDrainBoundIsTheTrunksElseTheOperatorsAndTheGracePeriodAddsTimeToClose() {
    SipTrunk ownBound = trunk("scaling: {drainSeconds: 120}");

    assertThat(DataPlanePods.drainSeconds(trunk, SETTINGS)).isEqualTo(SETTINGS.drainSeconds());
    assertThat(DataPlanePods.drainSeconds(ownBound, SETTINGS)).isEqualTo(120);
    assertThat(DataPlanePods.drainSeconds(trunk("scaling: {drainSeconds: 0}"), SETTINGS)).isZero();
    assertThat(DataPlanePods.gracePeriodSeconds(ownBound, SETTINGS))
        .isEqualTo(120 + DataPlanePods.CLOSE_SECONDS);
    assertThat(DataPlanePods.podSpec(trunk, TrunkMetadata.RELAY, 60).build())
        .satisfies(pod -> assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(60));
  }
}
