package io.trunkline.operator.trunk.pool;

import static io.trunkline.operator.trunk.pool.TestTrunks.SETTINGS;
import static io.trunkline.operator.trunk.pool.TestTrunks.env;
import static io.trunkline.operator.trunk.pool.TestTrunks.trunk;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.trunkline.api.v1alpha1.Defaults;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The proxy pool's objects, as pure functions: no cluster needed. */
class ProxyPoolTest {

  @Test
  void aTlsTrunkListensForSipsAndMountsItsCertificate() {
    Deployment proxy =
        ProxyPool.deployment(
            trunk("sip: {transports: [UDP, TLS], tlsSecret: acme-tls, tlsPort: 5062}"),
            SETTINGS,
            3,
            Optional.empty());

    Container container = proxy.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getPorts())
        .extracting(p -> p.getName() + "/" + p.getProtocol() + "/" + p.getContainerPort())
        .containsExactly("sip-udp/UDP/5060", "sip-tcp/TCP/5060", "sips/TCP/5062", "http/TCP/8080");
    assertThat(proxy.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> "tls".equals(v.getName()))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("acme-tls"));
    assertThat(
            ProxyPool.sipService(trunk("sip: {transports: [UDP, TLS], tlsSecret: t}"))
                .getSpec()
                .getPorts())
        .extracting(p -> p.getName())
        .containsExactly("sip-udp", "sips");
    assertThat(proxy.getSpec().getReplicas()).isEqualTo(3);
  }

  @Test
  void aTerminatingProxyTakesCallsUntilItsServicesForgetItThenDrainsForTheTrunksBound() {
    for (var bound : List.of(Map.entry("", 600), Map.entry("scaling: {drainSeconds: 300}", 300))) {
      var pod =
          ProxyPool.deployment(trunk(bound.getKey()), SETTINGS, 1, Optional.empty())
              .getSpec()
              .getTemplate();
      Container container = pod.getSpec().getContainers().get(0);

      assertThat(container.getLifecycle().getPreStop().getSleep().getSeconds())
          .isEqualTo(ProxyPool.PRE_STOP_SECONDS);
      assertThat(env(container, "TRUNKLINE_DRAIN_SECONDS").getValue())
          .isEqualTo(bound.getValue().toString());
      assertThat(pod.getSpec().getTerminationGracePeriodSeconds())
          .isEqualTo(ProxyPool.PRE_STOP_SECONDS + bound.getValue() + DataPlanePods.CLOSE_SECONDS);
    }
  }

  @Test
  void eachProxyKnowsTheMostReplicasItsPoolCanHave() {
    assertThat(poolSize("")).isEqualTo("1");
    assertThat(poolSize("scaling: {minReplicas: 2, maxReplicas: 6}")).isEqualTo("6");
    assertThat(poolSize("scaling: {mode: HPA, minReplicas: 2, maxReplicas: 8}")).isEqualTo("8");
    assertThat(poolSize("scaling: {minReplicas: 3, maxReplicas: 3}")).isEqualTo("3");
  }

  @Test
  void membersFindEachOtherDrainingOnesIncluded() {
    var trunk = trunk("sip: {port: 5070}");
    var members = ProxyPool.membersService(trunk);
    Deployment proxy = ProxyPool.deployment(trunk, SETTINGS, 2, Optional.empty());

    assertThat(members.getMetadata().getName()).isEqualTo("acme-sip-members");
    assertThat(members.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(members.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(members.getSpec().getSelector())
        .isEqualTo(proxy.getSpec().getSelector().getMatchLabels());
    assertThat(members.getSpec().getPorts())
        .isEqualTo(ProxyPool.sipService(trunk).getSpec().getPorts());
    assertThat(ProxyPool.peersService(trunk).getSpec().getPublishNotReadyAddresses()).isNull();
    assertThat(env(container(proxy), "TRUNKLINE_MEMBERS").getValue())
        .isEqualTo("acme-sip-members.office.svc:5070");
    assertThat(env(container(proxy), "TRUNKLINE_READY_MEMBERS").getValue())
        .isEqualTo("acme-sip-peers.office.svc:5070");
  }

  @Test
  void aNamedStoreReachesTheProxiesFromItsSecret() {
    Container withStore =
        container(
            ProxyPool.deployment(
                trunk("store: {secretName: acme-store}"), SETTINGS, 2, Optional.empty()));
    Container without = container(ProxyPool.deployment(trunk(""), SETTINGS, 2, Optional.empty()));

    assertThat(withStore.getEnv())
        .extracting(TestTrunks::rendered)
        .filteredOn(e -> e.startsWith("TRUNKLINE_STORE_"))
        .containsExactly(
            "TRUNKLINE_STORE_ADDRESS<-acme-store/address",
            "TRUNKLINE_STORE_PASSWORD<-acme-store/password?",
            "TRUNKLINE_STORE_TLS<-acme-store/tls?");
    assertThat(without.getEnv())
        .extracting(EnvVar::getName)
        .noneMatch(name -> name.startsWith("TRUNKLINE_STORE_"));
  }

  @Test
  void theCarriersCaBundleIsMountedReadOnlyAndNamedToTheProxy() {
    Deployment proxy =
        ProxyPool.deployment(
            trunk("carrierCa: {secretName: carrier-ca, key: bundle.pem}"),
            SETTINGS,
            2,
            Optional.empty());
    Container container = container(proxy);

    Volume volume =
        proxy.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> "carrier-ca".equals(v.getName()))
            .findFirst()
            .orElseThrow();
    assertThat(volume.getSecret().getSecretName()).isEqualTo("carrier-ca");
    assertThat(volume.getSecret().getOptional()).isNull();
    assertThat(volume.getSecret().getItems())
        .extracting(i -> i.getKey() + "->" + i.getPath())
        .containsExactly("bundle.pem->ca.crt");
    VolumeMount mount =
        container.getVolumeMounts().stream()
            .filter(m -> "carrier-ca".equals(m.getName()))
            .findFirst()
            .orElseThrow();
    assertThat(mount.getReadOnly()).isTrue();
    // The directory, not the file by subPath: the kubelet updates only whole mounts.
    assertThat(mount.getSubPath()).isNull();
    assertThat(env(container, "TRUNKLINE_CARRIER_CA").getValue())
        .isEqualTo(mount.getMountPath() + "/ca.crt");
  }

  @Test
  void theCarriersCaKeyDefaultsToTheOneCertManagerWrites() {
    Deployment proxy =
        ProxyPool.deployment(
            trunk("carrierCa: {secretName: carrier-ca}"), SETTINGS, 1, Optional.empty());

    assertThat(proxy.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> "carrier-ca".equals(v.getName()))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getItems().get(0).getKey()).isEqualTo("ca.crt"));
  }

  @Test
  void withoutACarriersCaTheProxyTrustsTheJdksAnchorsOnly() {
    Deployment proxy = ProxyPool.deployment(trunk(""), SETTINGS, 1, Optional.empty());
    Container container = container(proxy);

    assertThat(container.getEnv())
        .extracting(EnvVar::getName)
        .doesNotContain("TRUNKLINE_CARRIER_CA");
    assertThat(container.getVolumeMounts())
        .extracting(VolumeMount::getName)
        .doesNotContain("carrier-ca");
    assertThat(proxy.getSpec().getTemplate().getSpec().getVolumes())
        .extracting(Volume::getName)
        .doesNotContain("carrier-ca");
  }

  @Test
  void inHpaModeTheDeploymentLeavesReplicasToTheAutoscaler() {
    assertThat(
            ProxyPool.deployment(trunk("scaling: {mode: HPA}"), SETTINGS, null, Optional.empty())
                .getSpec()
                .getReplicas())
        .isNull();
  }

  @Test
  void theAutoscalerScalesOnTheSessionGaugeWithinTheTrunksBounds() {
    HorizontalPodAutoscaler hpa =
        ProxyPool.autoscaler(
            trunk(
                "scaling: {mode: HPA, minReplicas: 2, maxReplicas: 8, sessionsPerReplica: 50,"
                    + " scaleDownStabilizationSeconds: 120}"));

    assertThat(hpa.getMetadata().getName()).isEqualTo("acme-sip-proxy");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("acme-sip-proxy");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(8);
    var pods = hpa.getSpec().getMetrics().get(0).getPods();
    assertThat(pods.getMetric().getName()).isEqualTo(DataPlane.SESSIONS_METRIC);
    assertThat(pods.getTarget().getAverageValue()).isEqualTo(new Quantity("50"));
    assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds())
        .isEqualTo(120);

    var defaults = ProxyPool.scalingBounds(trunk(""));
    assertThat(defaults.minReplicas()).isEqualTo(Defaults.MIN_REPLICAS);
    assertThat(defaults.sessionsPerReplica()).isEqualTo(Defaults.SESSIONS_PER_REPLICA);
    assertThat(defaults.stabilization().toSeconds())
        .isEqualTo(Defaults.SCALE_DOWN_STABILIZATION_SECONDS);
  }

  @Test
  void peersFindEveryProxyThroughAHeadlessServiceOnTheSamePorts() {
    var trunk = trunk("");
    var service = ProxyPool.sipService(trunk);
    var peers = ProxyPool.peersService(trunk);

    assertThat(service.getMetadata().getName()).isEqualTo("acme-sip");
    assertThat(peers.getMetadata().getName()).isEqualTo("acme-sip-peers");
    assertThat(peers.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(peers.getSpec().getPorts()).isEqualTo(service.getSpec().getPorts());
    assertThat(peers.getSpec().getSelector())
        .isEqualTo(service.getSpec().getSelector())
        .isEqualTo(
            ProxyPool.deployment(trunk, SETTINGS, 1, Optional.empty())
                .getSpec()
                .getSelector()
                .getMatchLabels());
  }

  @Test
  void bypassProxiesAreToldOfNoRelays() {
    Container proxy =
        ProxyPool.deployment(
                trunk("media: {mode: Bypass}\nsip: {transports: [TLS], tlsSecret: acme-tls}"),
                SETTINGS,
                1,
                Optional.empty())
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);

    assertThat(proxy.getEnv())
        .extracting(EnvVar::getName)
        .doesNotContain("TRUNKLINE_RELAYS", "TRUNKLINE_RELAY_CONTROL_KEY")
        .contains("TRUNKLINE_ZONE");
    assertThat(env(proxy, "TRUNKLINE_TLS_DIR").getValue())
        .isEqualTo(
            proxy.getVolumeMounts().stream()
                .filter(m -> "tls".equals(m.getName()))
                .findFirst()
                .orElseThrow()
                .getMountPath());
  }

  private static String poolSize(String extraSpec) {
    return env(
            container(ProxyPool.deployment(trunk(extraSpec), SETTINGS, 1, Optional.empty())),
            "TRUNKLINE_POOL_SIZE")
        .getValue();
  }

  private static Container container(Deployment proxy) {
    return proxy.getSpec().getTemplate().getSpec().getContainers().get(0);
  }
}
