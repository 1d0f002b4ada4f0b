package io.trunkline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.trunkline.api.config.LineShards;
import io.trunkline.api.config.TrunkConfig;
import io.trunkline.testing.kube.KubeNode;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.rtp.RtpPhone;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.wire.Tshark;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's operator tour on a real node: the chart installs the operator from the image this
 * build made, examples/small-office becomes running proxy and relay pods, and phones outside the
 * cluster register and call each other through them, with media through the relay pod.
 *
 * <p>"Outside" here is this machine's side of the node address: the phones send to the node's
 * address (the trunk's HostNetwork exposure), never to a pod or Service address, as phones on the
 * office network would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmallOfficeNodeTest {

  private static final String NAMESPACE = "office";
  private static final String OPERATOR_NAMESPACE = OperatorInstall.NAMESPACE;
  private static final Duration POD_START = Duration.ofMinutes(5);

  private static KubeNode node;
  private static KubernetesClient client;

  @TempDir Path work;

  @BeforeAll
  static void installTheChartAndTheExample() {
    node = KubeNode.shared();
    client = node.client();
    OperatorInstall.example(node, "small-office", NAMESPACE);
  }

  @AfterAll
  static void removeTheExample() {
    OperatorInstall.removeExample(node, client, NAMESPACE);
  }

  @Test
  @Order(1)
  void theOperatorRunsFromTheImageThisBuildMade() {
    Pod operator =
        NodePods.only(client, OPERATOR_NAMESPACE, "app.kubernetes.io/name", "trunkline-operator");

    assertThat(NodePods.ready(operator)).as(operator.getStatus().toString()).isTrue();
    assertThat(operator.getSpec().getContainers().get(0).getImage())
        .isEqualTo(
            System.getProperty("trunkline.image.registry")
                + "/operator:"
                + System.getProperty("trunkline.version"));
  }

  @Test
  @Order(2)
  void theTrunkBecomesReadyWithItsProxyAndRelayPodsRunning() {
    NodeWait.until(
        node,
        POD_START,
        () ->
            NodePods.ready(NodePods.only(client, NAMESPACE, "app.kubernetes.io/name", "sip-proxy"))
                && NodePods.ready(
                    NodePods.only(client, NAMESPACE, "app.kubernetes.io/name", "media-relay"))
                && "True".equals(trunkCondition("Ready")),
        NAMESPACE,
        OPERATOR_NAMESPACE);
    // What a platform team reads first.
    assertThat(node.kubectl("get", "trunkline", "--namespace", NAMESPACE))
        .contains("office")
        .contains("anna");
  }

  @Test
  @Order(3)
  void phonesOutsideRegisterAndCallEachOtherWithMediaThroughTheRelayMarkedOnTheWire()
      throws Exception {
    String address = node.address();
    int benPort = LoopbackPorts.stablePort(address);
    phones().register("ben", benPort);

    try (RtpPhone benMedia = new RtpPhone(address, 0x2222);
        Tshark sip = Tshark.capture("udp port 5060", 6, Duration.ofSeconds(40), "ip.dsfield.dscp");
        SippProcess ben = phones().benAnswers(benPort, benMedia.port());
        // Held 15 s: the capture below may take seconds to start on a busy node, and the echo
        // needs the call up until its last packet is back.
        SippProcess anna = phones().annaCallsBen(15_000)) {
      InetSocketAddress relayForBen = OfficePhones.audioAfter(ben.messageLog(), "INVITE sip:");
      try (Tshark rtp =
          Tshark.capture(
              "udp and src port " + relayForBen.getPort(),
              20,
              Duration.ofSeconds(20),
              "ip.dsfield.dscp")) {
        // Anna's sipp echoes what reaches it: 100 packets from Ben's phone go through the relay
        // to Anna and back through the relay to Ben.
        int sent = benMedia.send(relayForBen, 100, Set.of());
        int back = benMedia.receive(sent, Duration.ofSeconds(10));

        assertThat(back).isEqualTo(100);
        // EF (46) on the relay's RTP towards Ben.
        assertThat(rtp.packets()).isNotEmpty().allSatisfy(dscp -> assertThat(dscp).isEqualTo("46"));
      }
      SippResult call = anna.await();
      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(ben.await().allCallsSucceeded()).isTrue();
      // CS3 (24) on what the proxy sends.
      assertThat(sip.packets()).contains("24");
    }
  }

  @Test
  @Order(4)
  void aNewLineRegistersWithoutAnyPodRestarting() throws IOException {
    Pod proxy = NodePods.only(client, NAMESPACE, "app.kubernetes.io/name", "sip-proxy");
    assertThat(client.secrets().inNamespace(NAMESPACE).withName("office-lines-1").get()).isNull();
    node.kubectl("apply", "--namespace", NAMESPACE, "-f", lineManifest());

    // The sixth line grows the trunk to two shards at five lines a shard (OperatorInstall):
    // frank, anna and ben are in the second (decision 0027), a Secret the running pod's volume
    // names but did not have. The kubelet adds it within its sync period (a minute by default)
    // plus its cache's, as it refreshes every mounted ConfigMap and Secret.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> client.secrets().inNamespace(NAMESPACE).withName("office-lines-1").get() != null);
    int port = LoopbackPorts.stablePort(node.address());
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(5))
        .until(() -> phones().tryRegister("frank", port).allCallsSucceeded());
    // The pod read frank from a gzip'd shard: its pool has rolled out, so every proxy reads them
    // so (decision 0032).
    byte[] shard =
        Base64.getDecoder()
            .decode(
                client
                    .secrets()
                    .inNamespace(NAMESPACE)
                    .withName("office-lines-1")
                    .get()
                    .getData()
                    .get(LineShards.fileName(1)));
    assertThat(shard).startsWith(0x1f, 0x8b);
    assertThat(LineShards.read(shard).lines()).extracting(TrunkConfig.Line::name).contains("frank");

    Pod after = NodePods.only(client, NAMESPACE, "app.kubernetes.io/name", "sip-proxy");
    assertThat(after.getMetadata().getUid()).isEqualTo(proxy.getMetadata().getUid());
    assertThat(after.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
  }

  @Test
  @Order(5)
  void aCallGoesOnWhileTheOperatorPodIsReplacedAndANewCallSucceedsAfter() throws Exception {
    Pod proxy = NodePods.only(client, NAMESPACE, "app.kubernetes.io/name", "sip-proxy");
    Pod operator =
        NodePods.only(client, OPERATOR_NAMESPACE, "app.kubernetes.io/name", "trunkline-operator");
    int benPort = LoopbackPorts.stablePort(node.address());
    phones().register("ben", benPort);

    try (SippProcess ben = phones().benAnswers(benPort, LoopbackPorts.freePort(node.address()));
        SippProcess anna = phones().annaCallsBen(20_000)) {
      OfficePhones.awaitAnswered(ben);
      client.resource(operator).delete();
      NodeWait.until(
          node,
          POD_START,
          () -> {
            Pod next =
                NodePods.only(
                    client, OPERATOR_NAMESPACE, "app.kubernetes.io/name", "trunkline-operator");
            return !next.getMetadata().getUid().equals(operator.getMetadata().getUid())
                && NodePods.ready(next);
          },
          OPERATOR_NAMESPACE);

      SippResult call = anna.await();
      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(ben.await().allCallsSucceeded()).isTrue();
    }
    Pod after = NodePods.only(client, NAMESPACE, "app.kubernetes.io/name", "sip-proxy");
    assertThat(after.getMetadata().getUid()).isEqualTo(proxy.getMetadata().getUid());
    assertCallCompletes(benPort, 1_000);
  }

  /**
   * One replica on the host network: the deleted pod drains (its live call goes on to its end and
   * is hung up normally), then the replacement takes its node's port and carries new calls once the
   * phone has registered again (registrations are held in memory without a store).
   */
  @Test
  @Order(6)
  void aDeletedProxyPodDrainsItsLiveCallAndItsReplacementTakesNewCalls() throws Exception {
    Pod proxy = NodePods.only(client, NAMESPACE, "app.kubernetes.io/name", "sip-proxy");
    int benPort = LoopbackPorts.stablePort(node.address());
    phones().register("ben", benPort);

    try (SippProcess ben = phones().benAnswers(benPort, LoopbackPorts.freePort(node.address()));
        SippProcess anna = phones().annaCallsBen(15_000)) {
      OfficePhones.awaitAnswered(ben);
      client.resource(proxy).withGracePeriod(60).delete();

      SippResult call = anna.await();
      assertThat(call.allCallsSucceeded()).as("the live call: " + call).isTrue();
      assertThat(ben.await().allCallsSucceeded()).isTrue();
    }
    NodeWait.until(
        node,
        POD_START,
        () -> {
          List<Pod> pods =
              client
                  .pods()
                  .inNamespace(NAMESPACE)
                  .withLabel("app.kubernetes.io/name", "sip-proxy")
                  .list()
                  .getItems();
          return pods.size() == 1
              && !pods.get(0).getMetadata().getUid().equals(proxy.getMetadata().getUid())
              && NodePods.ready(pods.get(0));
        },
        NAMESPACE);
    phones().register("ben", benPort);
    assertCallCompletes(benPort, 1_000);
  }

  private void assertCallCompletes(int benPort, int holdMillis) throws Exception {
    try (SippProcess ben = phones().benAnswers(benPort, LoopbackPorts.freePort(node.address()));
        SippProcess anna = phones().annaCallsBen(holdMillis)) {
      SippResult call = anna.await();
      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(ben.await().allCallsSucceeded()).isTrue();
    }
  }

  private String lineManifest() throws IOException {
    Path manifest = work.resolve("frank.yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: frank-sip}
        type: Opaque
        stringData: {password: change-me-frank}
        ---
        apiVersion: trunkline.io/v1alpha1
        kind: SipLine
        metadata: {name: frank}
        spec:
          trunk: office
          number: "+4930123406"
          username: frank
          credentialsSecret: frank-sip
        """);
    return manifest.toString();
  }

  private OfficePhones phones() {
    return new OfficePhones(node.address(), 5060, work);
  }

  private String trunkCondition(String type) {
    return TrunkConditions.of(client, NAMESPACE, "office", type)
        .map(c -> c.getStatus() + " " + c.getReason() + ": " + c.getMessage())
        .map(s -> s.startsWith("True") ? "True" : s)
        .orElse("absent");
  }
}
