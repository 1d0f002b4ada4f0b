package io.trunkline.operator.trunk.pool;

import static io.trunkline.operator.trunk.pool.TestTrunks.SETTINGS;
import static io.trunkline.operator.trunk.pool.TestTrunks.trunk;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How each exposure reaches the trunk's Service, pods and advertised address. */
class SipExposureTest {

  @Test
  void clusterIpIsTheDefaultAndAdvertisesTheServicesName() {
    Service service = ProxyPool.sipService(trunk(""));

    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getExternalTrafficPolicy()).isNull();
    assertThat(service.getSpec().getPorts()).allSatisfy(p -> assertThat(p.getNodePort()).isNull());
    assertThat(advertised(trunk(""), Optional.empty()))
        .containsExactly(
            "TRUNKLINE_ADVERTISED_ADDRESS=acme-sip.office.svc",
            "TRUNKLINE_ADVERTISED_PORT=5060",
            "TRUNKLINE_ADVERTISED_TLS_PORT=5061");
  }

  @Test
  void nodePortKeepsTrafficLocalAndAdvertisesTheProxysNodeOnTheNodePort() {
    var trunk =
        trunk(
            """
            sip:
              transports: [UDP, TCP, TLS]
              tlsSecret: acme-tls
              exposure: {type: NodePort, nodePort: 30560, tlsNodePort: 30561}""");

    Service service = ProxyPool.sipService(trunk);

    assertThat(service.getSpec().getType()).isEqualTo("NodePort");
    assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
    assertThat(service.getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort() + "->" + p.getNodePort())
        .containsExactly("sip-udp:5060->30560", "sip-tcp:5060->30560", "sips:5061->30561");
    // The node's address comes from the downward API and is expanded by the kubelet.
    assertThat(advertised(trunk, Optional.empty()))
        .containsExactly(
            "HOST_IP<-status.hostIP",
            "TRUNKLINE_ADVERTISED_ADDRESS=$(HOST_IP)",
            "TRUNKLINE_ADVERTISED_PORT=30560",
            "TRUNKLINE_ADVERTISED_TLS_PORT=30561");
  }

  @Test
  void loadBalancerAdvertisesItsIngressOnceItHasOne() {
    var trunk =
        trunk(
            """
            sip:
              exposure:
                type: LoadBalancer
                serviceAnnotations: {metallb.universe.tf/address-pool: sip}""");
    Service service = ProxyPool.sipService(trunk);

    assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
    assertThat(service.getMetadata().getAnnotations())
        .containsEntry("metallb.universe.tf/address-pool", "sip");
    assertThat(SipExposure.ingress(service)).isEmpty();
    assertThat(advertised(trunk, Optional.empty()))
        .first()
        .isEqualTo("TRUNKLINE_ADVERTISED_ADDRESS=acme-sip.office.svc");

    Service provisioned =
        new ServiceBuilder(service)
            .withNewStatus()
            .withNewLoadBalancer()
            .withIngress(
                new LoadBalancerIngressBuilder().withHostname("").build(),
                new LoadBalancerIngressBuilder().withIp("203.0.113.7").build())
            .endLoadBalancer()
            .endStatus()
            .build();
    assertThat(SipExposure.ingress(provisioned)).contains("203.0.113.7");
    assertThat(advertised(trunk, SipExposure.ingress(provisioned)))
        .first()
        .isEqualTo("TRUNKLINE_ADVERTISED_ADDRESS=203.0.113.7");
  }

  @Test
  void hostNetworkRunsOneProxyPerNodeWithItsOpsPortBesideTheRelays() {
    var trunk = trunk("sip: {exposure: {type: HostNetwork}}");
    Deployment proxy = ProxyPool.deployment(trunk, SETTINGS, 2, Optional.empty());
    PodSpec pod = proxy.getSpec().getTemplate().getSpec();

    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(
            pod.getAffinity()
                .getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(t -> assertThat(t.getTopologyKey()).isEqualTo(DataPlanePods.HOSTNAME_KEY));
    assertThat(proxy.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isZero();
    assertThat(pod.getContainers().get(0).getPorts())
        .extracting(p -> p.getName() + "/" + p.getContainerPort())
        .contains("http/" + DataPlane.HOST_NETWORK_PROXY_OPS_PORT)
        .doesNotContain("http/" + DataPlane.OPS_PORT);
    assertThat(ProxyPool.sipService(trunk).getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(advertised(trunk, Optional.empty()))
        .startsWith("HOST_IP<-status.hostIP", "TRUNKLINE_ADVERTISED_ADDRESS=$(HOST_IP)");
  }

  @Test
  void aConfiguredAddressWinsOverEveryExposure() {
    for (String type : List.of("ClusterIP", "LoadBalancer", "HostNetwork")) {
      var trunk =
          trunk("sip: {advertisedAddress: sip.acme.example, exposure: {type: %s}}".formatted(type));

      assertThat(advertised(trunk, Optional.of("203.0.113.7")))
          .as(type)
          .first()
          .isEqualTo("TRUNKLINE_ADVERTISED_ADDRESS=sip.acme.example");
    }
  }

  private static List<String> advertised(
      io.trunkline.api.v1alpha1.trunk.SipTrunk trunk, Optional<String> ingress) {
    return SipExposure.advertised(trunk, ingress).stream().map(TestTrunks::rendered).toList();
  }
}
