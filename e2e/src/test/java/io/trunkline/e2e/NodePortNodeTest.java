package io.trunkline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.trunkline.testing.kube.KubeNode;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trunk exposed on a node port: its proxy runs on the pod network, peers send to the node's
 * address on the node port, and the proxy writes that address and port (not its pod's, not the
 * Service's name) into Record-Route, so the dialog's later requests find it again.
 */
class NodePortNodeTest {

  private static final String NAMESPACE = "edge";
  private static final int NODE_PORT = 30062;

  private static KubeNode node;
  private static KubernetesClient client;

  @TempDir Path work;

  @BeforeAll
  static void installTheChartAndATrunkOnANodePort() {
    node = KubeNode.shared();
    client = node.client();
    // On the node port from the start: a trunk leaving HostNetwork waits on the one node for its
    // old proxy to go (decision 0017).
    OperatorInstall.officeExposed(
        node, client, NAMESPACE, "{type: NodePort, nodePort: %d}".formatted(NODE_PORT));
  }

  @AfterAll
  static void removeTheExample() {
    OperatorInstall.removeExample(node, client, NAMESPACE);
  }

  @Test
  void phonesReachTheTrunkOnTheNodePortAndTheDialogComesBackThroughIt() throws Exception {
    NodeWait.until(
        node,
        Duration.ofMinutes(5),
        () -> "True".equals(readyCondition()),
        NAMESPACE,
        OperatorInstall.NAMESPACE);
    Service service = client.services().inNamespace(NAMESPACE).withName("office-sip").get();
    assertThat(service.getSpec().getType()).isEqualTo("NodePort");
    assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");

    String address = node.address();
    OfficePhones phones = new OfficePhones(address, NODE_PORT, work);
    int benPort = LoopbackPorts.stablePort(address);
    phones.register("ben", benPort);

    try (SippProcess ben = phones.benAnswers(benPort, LoopbackPorts.freePort(address));
        SippProcess anna = phones.annaCallsBen(1000)) {
      SippResult call = anna.await();
      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(ben.await().allCallsSucceeded()).isTrue();
      // The ACK and BYE came back through the node port because the proxy said so.
      assertThat(Files.readString(ben.messageLog()))
          .contains("Record-Route: <sip:" + address + ":" + NODE_PORT + ";lr>");
    }
  }

  private String readyCondition() {
    return TrunkConditions.of(client, NAMESPACE, "office", "Ready")
        .map(c -> c.getStatus())
        .orElse("absent");
  }
}
