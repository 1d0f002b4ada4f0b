package io.trunkline.operator.trunk.pool;

import static io.trunkline.operator.trunk.pool.TestTrunks.SETTINGS;
import static io.trunkline.operator.trunk.pool.TestTrunks.env;
import static io.trunkline.operator.trunk.pool.TestTrunks.trunk;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The relay pool's objects, and how the proxies find them: no cluster needed. */
class RelayPoolTest {

  @Test
  void hostNetworkRelaysKeepToOnePerNodeAndAdvertiseTheNode() {
    Deployment relay = RelayPool.deployment(trunk(""), SETTINGS);

    var pod = relay.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(
            pod.getAffinity()
                .getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(t -> assertThat(t.getTopologyKey()).isEqualTo(DataPlanePods.HOSTNAME_KEY));
    assertThat(
            env(pod.getContainers().get(0), "TRUNKLINE_RELAY_ADVERTISE")
                .getValueFrom()
                .getFieldRef()
                .getFieldPath())
        .isEqualTo("status.hostIP");
    assertThat(relay.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isZero();
  }

  @Test
  void relaysAreConfiguredByTheirEnvironmentAlone() {
    Container relay =
        RelayPool.deployment(
                trunk(
                    "media: {portMin: 20000, portMax: 20999, idleTimeoutSeconds: 3600}\n"
                        + "qos: {mediaDscp: 34}"),
                SETTINGS)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);

    assertThat(relay.getEnv())
        .extracting(TestTrunks::rendered)
        .containsExactly(
            // The kubelet expands $(...) from variables defined before it.
            "TRUNKLINE_RELAY_ADVERTISE<-status.hostIP",
            "TRUNKLINE_RELAY_CONTROL=$(TRUNKLINE_RELAY_ADVERTISE):2223",
            "TRUNKLINE_RELAY_MEDIA_BIND=0.0.0.0",
            "TRUNKLINE_RELAY_PORTS=20000-20999",
            "TRUNKLINE_RELAY_IDLE_TIMEOUT=3600",
            "TRUNKLINE_RELAY_DSCP=34",
            "TRUNKLINE_RELAY_TRUNK=acme",
            "TRUNKLINE_RELAY_CONTROL_KEY<-acme-relay-control/key",
            "TRUNKLINE_RELAY_ZONE<-metadata.labels['topology.kubernetes.io/zone']",
            "TRUNKLINE_RELAY_OPS=0.0.0.0:8080",
            "TRUNKLINE_RELAY_DRAIN_SECONDS=600");
    assertThat(relay.getPorts())
        .extracting(p -> p.getName() + "/" + p.getProtocol() + "/" + p.getContainerPort())
        .containsExactly("control/UDP/2223", "http/TCP/8080");
    assertThat(relay.getVolumeMounts()).isEmpty();
    assertThat(relay.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(relay.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(
            env(
                    RelayPool.deployment(trunk(""), SETTINGS)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0),
                    "TRUNKLINE_RELAY_DSCP")
                .getValue())
        .isEqualTo("46");
  }

  @Test
  void proxiesFindTheRelaysThroughTheirHeadlessService() {
    SipTrunk trunk = trunk("");
    Container proxy =
        ProxyPool.deployment(trunk, SETTINGS, 2, Optional.empty())
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);

    assertThat(proxy.getEnv())
        .extracting(TestTrunks::rendered)
        .containsExactly(
            "TRUNKLINE_CONFIG=/etc/trunkline/config/trunk.json",
            "TRUNKLINE_CREDENTIALS=/etc/trunkline/credentials/credentials.json",
            "TRUNKLINE_ADVERTISED_ADDRESS=acme-sip.office.svc",
            "TRUNKLINE_ADVERTISED_PORT=5060",
            "TRUNKLINE_ADVERTISED_TLS_PORT=5061",
            "TRUNKLINE_RELAYS=acme-relay.office.svc:2223",
            "TRUNKLINE_RELAY_CONTROL_KEY<-acme-relay-control/key",
            "TRUNKLINE_ZONE<-metadata.labels['topology.kubernetes.io/zone']",
            "TRUNKLINE_OPS=0.0.0.0:8080",
            "TRUNKLINE_DRAIN_SECONDS=600",
            "TRUNKLINE_POOL_SIZE=1",
            "TRUNKLINE_MEMBERS=acme-sip-members.office.svc:5060",
            "TRUNKLINE_READY_MEMBERS=acme-sip-peers.office.svc:5060",
            "POD_IP<-status.podIP",
            "POD_NAME<-metadata.name");
    assertThat(proxy.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(proxy.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");

    Service relays = RelayPool.service(trunk);
    assertThat(relays.getMetadata().getName()).isEqualTo("acme-relay");
    assertThat(relays.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(relays.getSpec().getSelector())
        .isEqualTo(RelayPool.deployment(trunk, SETTINGS).getSpec().getSelector().getMatchLabels());
    assertThat(relays.getSpec().getPorts())
        .extracting(
            p ->
                p.getName()
                    + "/"
                    + p.getProtocol()
                    + "/"
                    + p.getPort()
                    + "->"
                    + p.getTargetPort().getStrVal())
        .containsExactly("control/UDP/2223->control");
  }

  @Test
  void aRelayDrainsForTheTrunksBoundFromSigtermOn() {
    var pod =
        RelayPool.deployment(trunk("scaling: {drainSeconds: 300}"), SETTINGS)
            .getSpec()
            .getTemplate()
            .getSpec();

    assertThat(env(pod.getContainers().get(0), "TRUNKLINE_RELAY_DRAIN_SECONDS").getValue())
        .isEqualTo("300");
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(300 + DataPlanePods.CLOSE_SECONDS);
    assertThat(pod.getContainers().get(0).getLifecycle()).isNull();
  }

  @Test
  void podNetworkRelaysNeedNoAntiAffinity() {
    var pod =
        RelayPool.deployment(trunk("media: {hostNetwork: false}"), SETTINGS)
            .getSpec()
            .getTemplate()
            .getSpec();

    assertThat(pod.getHostNetwork()).isFalse();
    assertThat(pod.getAffinity()).isNull();
    assertThat(
            env(pod.getContainers().get(0), "TRUNKLINE_RELAY_ADVERTISE")
                .getValueFrom()
                .getFieldRef()
                .getFieldPath())
        .isEqualTo("status.podIP");
  }

  @Test
  void zonesPinBothPoolsAndSizeTheRelays() {
    SipTrunk trunk = trunk("zones: [zone-a, zone-b, zone-c]");

    for (Deployment pool :
        new Deployment[] {
          ProxyPool.deployment(trunk, SETTINGS, 2, Optional.empty()),
          RelayPool.deployment(trunk, SETTINGS)
        }) {
      var terms =
          pool.getSpec()
              .getTemplate()
              .getSpec()
              .getAffinity()
              .getNodeAffinity()
              .getRequiredDuringSchedulingIgnoredDuringExecution()
              .getNodeSelectorTerms();
      assertThat(terms.get(0).getMatchExpressions().get(0).getValues())
          .containsExactly("zone-a", "zone-b", "zone-c");
    }
    assertThat(RelayPool.replicas(trunk)).isEqualTo(3);
    assertThat(RelayPool.replicas(trunk("scaling: {minReplicas: 4, maxReplicas: 6}"))).isEqualTo(4);
    assertThat(RelayPool.replicas(trunk(""))).isEqualTo(1);
  }

  @Test
  void onlyMediaModeRelayNeedsARelayPool() {
    assertThat(RelayPool.needed(trunk(""))).isTrue();
    assertThat(RelayPool.needed(trunk("media: {mode: Bypass}"))).isFalse();
  }
}
