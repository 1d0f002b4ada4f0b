package io.trunkline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.trunkline.testing.kube.KubeNode;
import io.trunkline.testing.kube.OutsideNetwork;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trunk behind a load balancer (decision 0017), as a cloud or MetalLB gives one: the test stands
 * in for the load balancer's controller and writes its address into the Service's status; the
 * operator restarts the proxy advertising that address, and kube-proxy takes what arrives there to
 * the proxy on the node. The phones run outside the cluster (the node's outside network namespace),
 * so their packets reach the address from a wire, and {@code externalTrafficPolicy: Local} leaves
 * their own source addresses for the proxy to see.
 */
class LoadBalancerNodeTest {

  private static final String NAMESPACE = "cloud";

  /** The load balancer's address, BALANCER_IP of tools/node/common.sh. */
  private static final String BALANCER = "10.250.0.2";

  private static KubeNode node;
  private static KubernetesClient client;
  private static OutsideNetwork outside;

  @TempDir Path work;

  @BeforeAll
  static void installTheChartAndATrunkBehindALoadBalancer() {
    node = KubeNode.shared();
    client = node.client();
    outside = node.outside();
    OperatorInstall.officeExposed(node, client, NAMESPACE, "{type: LoadBalancer}");
  }

  @AfterAll
  static void removeTheExample() {
    OperatorInstall.removeExample(node, client, NAMESPACE);
  }

  @Test
  void phonesOutsideReachTheTrunkAtTheBalancersAddressAndTheDialogComesBackThroughIt()
      throws Exception {
    NodeWait.until(
        node,
        Duration.ofMinutes(5),
        () -> service() != null && NodePods.ready(proxy()),
        NAMESPACE,
        OperatorInstall.NAMESPACE);
    Service service = service();
    assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
    // Before the balancer has an address, the proxy advertises the Service's name.
    assertThat(advertised(proxy())).isEqualTo("office-sip." + NAMESPACE + ".svc");

    client
        .services()
        .inNamespace(NAMESPACE)
        .withName("office-sip")
        .editStatus(
            s ->
                new ServiceBuilder(s)
                    .editOrNewStatus()
                    .withNewLoadBalancer()
                    .addNewIngress()
                    .withIp(BALANCER)
                    .endIngress()
                    .endLoadBalancer()
                    .endStatus()
                    .build());
    NodeWait.until(
        node,
        Duration.ofMinutes(3),
        () -> {
          Pod proxy = proxy();
          return NodePods.ready(proxy) && BALANCER.equals(advertised(proxy));
        },
        NAMESPACE,
        OperatorInstall.NAMESPACE);

    OfficePhones phones = OfficePhones.outside(outside, BALANCER, 5060, work);
    int benPort = outside.port();
    phones.register("ben", benPort);
    try (SippProcess ben = phones.benAnswers(benPort, outside.port());
        SippProcess anna = phones.annaCallsBen(1000)) {
      SippResult call = anna.await();
      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(ben.await().allCallsSucceeded()).isTrue();
      String received = Files.readString(ben.messageLog());
      // The answers go back, and the ACK and BYE come back, through the balancer because the
      // proxy said so in its Via and Record-Route.
      assertThat(received)
          .contains("Via: SIP/2.0/UDP " + BALANCER + ":5060;")
          .contains("Record-Route: <sip:" + BALANCER + ":5060;lr>");
      // Anna's Via as the proxy passed it on carries no received= (RFC 3261 §18.2.1): the proxy
      // saw the address she sent from, not a node's or a bridge's after a NAT.
      List<String> annasVias =
          received
              .lines()
              .filter(l -> l.startsWith("Via:"))
              .flatMap(l -> Arrays.stream(l.substring("Via:".length()).split(",")))
              .map(String::strip)
              .filter(v -> v.startsWith("SIP/2.0/UDP " + phones.address() + ":"))
              .toList();
      assertThat(annasVias).isNotEmpty().noneMatch(v -> v.contains("received="));
    }
  }

  private static Service service() {
    return client.services().inNamespace(NAMESPACE).withName("office-sip").get();
  }

  /** The trunk's one proxy pod; an assertion fails while another is still there. */
  private static Pod proxy() {
    return NodePods.only(client, NAMESPACE, "app.kubernetes.io/name", "sip-proxy");
  }

  /** The address {@code proxy} writes into Via and Record-Route. */
  private static String advertised(Pod proxy) {
    return proxy.getSpec().getContainers().stream()
        .flatMap(c -> c.getEnv().stream())
        .filter(e -> "TRUNKLINE_ADVERTISED_ADDRESS".equals(e.getName()))
        .map(EnvVar::getValue)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }
}
