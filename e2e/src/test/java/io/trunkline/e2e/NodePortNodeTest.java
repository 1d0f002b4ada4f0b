package io.trunkline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.testing.kube.KubeNode;
import io.trunkline.testing.kube.TestBinaries;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.sipp.Sipp;
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
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .createOr(NonDeletingOperation::update);
    node.kubectl(
        "apply", "--namespace", NAMESPACE, "-f", ROOT.resolve("examples/small-office").toString());
    // The small office's trunk on a node port, its media straight between the phones: relays on
    // the host network of one node are the office trunk's (SmallOfficeNodeTest).
    node.kubectl(
        "patch",
        "siptrunk",
        "office",
        "--namespace",
        NAMESPACE,
        "--type",
        "merge",
        "-p",
        "{\"spec\":{\"sip\":{\"exposure\":{\"type\":\"NodePort\",\"nodePort\":"
            + NODE_PORT
            + "}},\"media\":{\"mode\":\"Bypass\"}}}");
  }

  @AfterAll
  static void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void phonesReachTheTrunkOnTheNodePortAndTheDialogComesBackThroughIt() throws Exception {
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> "True".equals(readyCondition()));
    Service service = client.services().inNamespace(NAMESPACE).withName("office-sip").get();
    assertThat(service.getSpec().getType()).isEqualTo("NodePort");
    assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");

    String address = node.address();
    int benPort = LoopbackPorts.stablePort(address);
    SippResult registered =
        Sipp.bundled("register")
            .named("register-ben")
            .local(address, benPort)
            .remote(address, NODE_PORT)
            .calls(1)
            .option("-s", "ben", "-au", "ben", "-ap", "change-me-ben")
            .timeout(Duration.ofSeconds(30))
            .start(work)
            .await();
    assertThat(registered.allCallsSucceeded()).as(registered.toString()).isTrue();

    try (SippProcess ben =
            Sipp.bundled("answer-media")
                .named("ben")
                .local(address, benPort)
                .calls(1)
                .variable("rtp_port", Integer.toString(LoopbackPorts.freePort(address)))
                .timeout(Duration.ofSeconds(60))
                .start(work)
                .awaitListening(Duration.ofSeconds(10));
        SippProcess anna =
            Sipp.bundled("call-auth")
                .named("anna")
                .local(address, LoopbackPorts.freePort(address))
                .remote(address, NODE_PORT)
                .calls(1)
                .variable("dest", "+4930123402")
                .option("-s", "anna", "-au", "anna", "-ap", "change-me-anna", "-d", "1000")
                .timeout(Duration.ofSeconds(60))
                .start(work)) {
      SippResult call = anna.await();
      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(ben.await().allCallsSucceeded()).isTrue();
      // The ACK and BYE came back through the node port because the proxy said so.
      assertThat(Files.readString(ben.messageLog()))
          .contains("Record-Route: <sip:" + address + ":" + NODE_PORT + ";lr>");
    }
  }

  private String readyCondition() {
    SipTrunk trunk =
        client.resources(SipTrunk.class).inNamespace(NAMESPACE).withName("office").get();
    if (trunk == null || trunk.getStatus() == null) {
      return "absent";
    }
    return trunk.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(c -> c.getStatus())
        .findFirst()
        .orElse("absent");
  }
}
