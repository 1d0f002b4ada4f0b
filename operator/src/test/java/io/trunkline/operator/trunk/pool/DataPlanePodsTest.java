package io.trunkline.operator.trunk.pool;

import static io.trunkline.operator.trunk.pool.TestTrunks.SETTINGS;
import static io.trunkline.operator.trunk.pool.TestTrunks.trunk;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
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
    Container container = DataPlanePods.engineContainer("engine", "engine:1").build();

    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo(DataPlanePods.opsPort().getName());
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
