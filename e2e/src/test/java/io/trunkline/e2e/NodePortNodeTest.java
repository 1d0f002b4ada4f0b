package io.trunkline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.testing.kube.KubeNode;
import io.trunkline.testing.kube.TestBinaries;
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

  private static final Path ROOT = TestBinaries.repositoryRoot();
  private static final String NAMESPACE = "edge";
  private static final int NODE_PORT = 30062;

  private static KubeNode node;
  private static KubernetesClient client;

  @TempDir Path work;

  @BeforeAll
  static void installTheChartAndATrunkOnANodePort() {
    node = KubeNode.shared();
    client = node.client();
    OperatorInstall.onto(node);
    node.namespace(NAMESPACE);
    // The small office's lines, secrets and routes, with a trunk of the same name on a node port
    // from the start and its media straight between the phones: relays and proxies on the host
    // network of the one node are the office trunk's (SmallOfficeNodeTest).
    for (String file : new String[] {"secrets.yaml", "lines.yaml", "routes.yaml"}) {
      node.kubectl(
          "apply",
          "--namespace",
          NAMESPACE,
          "-f",
          ROOT.resolve("examples/small-office").resolve(file).toString());
    }
    client
        .resource(
            client
                .getKubernetesSerialization()
                .unmarshal(
                    """
                apiVersion: trunkline.io/v1alpha1
                kind: SipTrunk
                metadata: {name: office}
                spec:
                  channels: 5
                  carriers: [{name: itsp, address: sip.itsp.example.net, credentialsSecret: itsp-login}]
                  sip: {exposure: {type: NodePort, nodePort: %d}}
                  media: {mode: Bypass}
                  scaling: {minReplicas: 1, maxReplicas: 1}
                """
                        .formatted(NODE_PORT),
                    SipTrunk.class))
        .inNamespace(NAMESPACE)
        .createOr(NonDeletingOperation::update);
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
