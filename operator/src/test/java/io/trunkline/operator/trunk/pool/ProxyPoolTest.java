package io.trunkline.operator.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import org.junit.jupiter.api.Test;

/** The desired objects of a trunk, as pure functions: no cluster needed. */
class TrunkPoolsTest {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final PoolSettings SETTINGS = new PoolSettings("proxy:1", "relay:1", 600);

  @Test
  void aTlsTrunkListensForSipsAndMountsItsCertificate() {
    Deployment proxy =
        TrunkPools.proxyDeployment(
            trunk("sip: {transports: [UDP, TLS], tlsSecret: acme-tls, tlsPort: 5062}"),
            SETTINGS,
            3);

    Container container = proxy.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getPorts())
        .extracting(p -> p.getName() + "/" + p.getProtocol() + "/" + p.getContainerPort())
        .containsExactly("sip-udp/UDP/5060", "sip-tcp/TCP/5060", "sips/TCP/5062", "http/TCP/8080");
    assertThat(proxy.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> "tls".equals(v.getName()))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("acme-tls"));
    assertThat(
            TrunkPools.sipService(trunk("sip: {transports: [UDP, TLS], tlsSecret: t}"))
                .getSpec()
                .getPorts())
        .extracting(p -> p.getName())
        .containsExactly("sip-udp", "sips");
    assertThat(proxy.getSpec().getReplicas()).isEqualTo(3);
    assertThat(proxy.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .isEqualTo(600);
  }

  @Test
  void inHpaModeTheDeploymentLeavesReplicasToTheAutoscaler() {
    assertThat(
            TrunkPools.proxyDeployment(trunk("scaling: {mode: HPA}"), SETTINGS, null)
                .getSpec()
                .getReplicas())
        .isNull();
  }

  @Test
  void hostNetworkRelaysKeepToOnePerNodeAndAdvertiseTheNode() {
    Deployment relay = TrunkPools.relayDeployment(trunk(""), SETTINGS);

    var pod = relay.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(
            pod.getAffinity()
                .getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(t -> assertThat(t.getTopologyKey()).isEqualTo(TrunkPools.HOSTNAME_KEY));
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
        TrunkPools.relayDeployment(
                trunk("media: {portMin: 20000, portMax: 20999}\nqos: {mediaDscp: 34}"), SETTINGS)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);

    assertThat(relay.getEnv())
        .extracting(TrunkPoolsTest::rendered)
        .containsExactly(
            "TRUNKLINE_RELAY_CONTROL=0.0.0.0:2223",
            "TRUNKLINE_RELAY_MEDIA_BIND=0.0.0.0",
            "TRUNKLINE_RELAY_ADVERTISE<-status.hostIP",
            "TRUNKLINE_RELAY_PORTS=20000-20999",
            "TRUNKLINE_RELAY_DSCP=34",
            "TRUNKLINE_RELAY_TRUNK=acme",
            "TRUNKLINE_RELAY_ZONE<-metadata.labels['topology.kubernetes.io/zone']",
            "TRUNKLINE_RELAY_OPS=0.0.0.0:8080",
            "TRUNKLINE_RELAY_DRAIN_SECONDS=590");
    assertThat(relay.getPorts())
        .extracting(p -> p.getName() + "/" + p.getProtocol() + "/" + p.getContainerPort())
        .containsExactly("control/UDP/2223", "http/TCP/8080");
    assertThat(relay.getVolumeMounts()).isEmpty();
    assertThat(relay.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(relay.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(
            env(
                    TrunkPools.relayDeployment(trunk(""), SETTINGS)
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
        TrunkPools.proxyDeployment(trunk, SETTINGS, 2)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);

    assertThat(proxy.getEnv())
        .extracting(TrunkPoolsTest::rendered)
        .containsExactly(
            "TRUNKLINE_CONFIG=/etc/trunkline/config/trunk.json",
            "TRUNKLINE_CREDENTIALS=/etc/trunkline/credentials/credentials.json",
            "TRUNKLINE_ADVERTISED_ADDRESS=acme-sip.office.svc",
            "TRUNKLINE_RELAYS=acme-relay.office.svc:2223",
            "TRUNKLINE_ZONE<-metadata.labels['topology.kubernetes.io/zone']",
            "TRUNKLINE_OPS=0.0.0.0:8080",
            "TRUNKLINE_DRAIN_SECONDS=590",
            "POD_IP<-status.podIP",
            "POD_NAME<-metadata.name");
    assertThat(proxy.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(proxy.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");

    Service relays = TrunkPools.relayService(trunk);
    assertThat(relays.getMetadata().getName()).isEqualTo("acme-relay");
    assertThat(relays.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(relays.getSpec().getSelector())
        .isEqualTo(
            TrunkPools.relayDeployment(trunk, SETTINGS).getSpec().getSelector().getMatchLabels());
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
  void bypassProxiesAreToldOfNoRelays() {
    Container proxy =
        TrunkPools.proxyDeployment(
                trunk("media: {mode: Bypass}\nsip: {transports: [TLS], tlsSecret: acme-tls}"),
                SETTINGS,
                1)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);

    assertThat(proxy.getEnv())
        .extracting(EnvVar::getName)
        .doesNotContain("TRUNKLINE_RELAYS")
        .contains("TRUNKLINE_ZONE");
    assertThat(env(proxy, "TRUNKLINE_TLS_DIR").getValue())
        .isEqualTo(
            proxy.getVolumeMounts().stream()
                .filter(m -> "tls".equals(m.getName()))
                .findFirst()
                .orElseThrow()
                .getMountPath());
  }

  @Test
  void podNetworkRelaysNeedNoAntiAffinity() {
    var pod =
        TrunkPools.relayDeployment(trunk("media: {hostNetwork: false}"), SETTINGS)
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
          TrunkPools.proxyDeployment(trunk, SETTINGS, 2),
          TrunkPools.relayDeployment(trunk, SETTINGS)
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
    assertThat(TrunkPools.relayReplicas(trunk)).isEqualTo(3);
    assertThat(TrunkPools.relayReplicas(trunk("scaling: {minReplicas: 4, maxReplicas: 6}")))
        .isEqualTo(4);
    assertThat(TrunkPools.relayReplicas(trunk(""))).isEqualTo(1);
  }

  @Test
  void theAdvertisedAddressIsTheTrunksNeverAPods() {
    assertThat(TrunkPools.advertisedAddress(trunk(""))).isEqualTo("acme-sip.office.svc");
    assertThat(TrunkPools.advertisedAddress(trunk("sip: {advertisedAddress: sip.acme.example}")))
        .isEqualTo("sip.acme.example");
  }

  /** {@code NAME=value}, or {@code NAME<-fieldPath} for the downward API. */
  private static String rendered(EnvVar env) {
    return env.getValueFrom() == null
        ? env.getName() + "=" + env.getValue()
        : env.getName() + "<-" + env.getValueFrom().getFieldRef().getFieldPath();
  }

  private static EnvVar env(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> name.equals(e.getName()))
        .findFirst()
        .orElseThrow();
  }

  private static SipTrunk trunk(String extraSpec) {
    return YAML.unmarshal(
        """
        apiVersion: trunkline.io/v1alpha1
        kind: SipTrunk
        metadata: {name: acme, namespace: office}
        spec:
          channels: 20
          carriers: [{name: a, address: 127.0.0.1}]
        %s"""
            .formatted(extraSpec.indent(2)),
        SipTrunk.class);
  }
}
