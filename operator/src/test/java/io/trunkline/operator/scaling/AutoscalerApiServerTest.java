package io.trunkline.operator.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.api.v1alpha1.trunk.SipTrunkStatus;
import io.trunkline.operator.KubeApiServerResource;
import io.trunkline.operator.TestNamespace;
import io.trunkline.operator.status.Conditions;
import io.trunkline.operator.trunk.pool.TrunkMetadata;
import io.trunkline.testing.net.LoopbackPorts;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Operator scaling mode end to end: proxy pods (objects in the API server, since there is no
 * kubelet) whose metrics endpoints are local HTTP servers on 127.0.0.x, read by the operator, which
 * sizes the proxy Deployment.
 */
@QuarkusTest
@QuarkusTestResource(value = KubeApiServerResource.class, restrictToAnnotatedClass = false)
class AutoscalerApiServerTest {

  private static final String[] POD_ADDRESSES = {"127.0.0.2", "127.0.0.3"};

  @Inject KubernetesClient client;

  private TestNamespace ns;
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<AtomicInteger> sessions = new ArrayList<>();
  private final List<AtomicReference<String>> carriers = new ArrayList<>();
  private final List<AtomicReference<String>> stores = new ArrayList<>();

  @BeforeEach
  void freshNamespace() {
    ns = new TestNamespace(client);
  }

  @AfterEach
  void stopPods() {
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void scalesUpOnSessionsWithinBoundsAndDownAfterTheWindow() throws IOException {
    ns.apply(
        TestNamespace.trunkManifest(
            "acme",
            "scaling: {minReplicas: 1, maxReplicas: 4, sessionsPerReplica: 100,"
                + " scaleDownStabilizationSeconds: 12}"));
    ns.await(Deployment.class, "acme-sip-proxy");
    SipTrunk trunk = ns.get(SipTrunk.class, "acme");
    for (String address : POD_ADDRESSES) {
      proxyPod(trunk, address);
    }

    setSessions(150, 150);
    awaitReplicas(3);
    awaitSessions(300);

    setSessions(900, 900);
    awaitReplicas(4);
    awaitSessions(1800);
    assertThat(ns.get(SipTrunk.class, "acme").getStatus().getDesiredProxyReplicas()).isEqualTo(4);

    setSessions(10, 10);
    // The operator has seen the drop, yet within the 12 s window the pool keeps its size. (Seeing
    // it takes a scrape and a reconciliation, about 2 s: the window leaves a slow machine 10 s.)
    await()
        .atMost(TestNamespace.WAIT)
        .until(
            () ->
                Integer.valueOf(20)
                    .equals(ns.get(SipTrunk.class, "acme").getStatus().getSessions()));
    assertThat(replicas()).isEqualTo(4);
    awaitReplicas(1);
    assertThat(ns.get(SipTrunk.class, "acme").getStatus().getChannelUse()).isEqualTo("20/20");
  }

  @Test
  void fillsCarriersUpFromWhatTheProxiesReport() throws IOException {
    ns.apply(
        """
        apiVersion: trunkline.io/v1alpha1
        kind: SipTrunk
        metadata: {name: acme}
        spec:
          channels: 20
          carriers:
            - {name: carrier-a, address: "127.0.0.1:5080"}
            - {name: carrier-b, address: "127.0.0.1:5082"}
        """);
    ns.await(Deployment.class, "acme-sip-proxy");
    SipTrunk trunk = ns.get(SipTrunk.class, "acme");
    for (String address : POD_ADDRESSES) {
      proxyPod(trunk, address);
    }

    // carrier-b is out on one proxy only: the other still sends it calls.
    setCarriers(
        carrierUp("carrier-a", 1) + carrierUp("carrier-b", 0),
        carrierUp("carrier-a", 1) + carrierUp("carrier-b", 1));
    awaitCarriersUp("2/2");
    assertThat(carriersCondition().getStatus()).isEqualTo(Conditions.TRUE);

    String carrierBOut = carrierUp("carrier-a", 1) + carrierUp("carrier-b", 0);
    setCarriers(carrierBOut, carrierBOut);
    awaitCarriersUp("1/2");
    assertThat(ns.kubectl("get", "siptrunks").lines().skip(1).findFirst().orElseThrow())
        .matches("acme\\s+\\S+\\s+1/2\\s+0/20\\s+.*");
    assertThat(carriersCondition().getReason()).isEqualTo("CarriersDown");
    assertThat(carriersCondition().getMessage())
        .startsWith("out of rotation on every proxy that answered: carrier-b (");
    assertThat(
            client.v1().events().inNamespace(ns.name()).list().getItems().stream()
                .filter(e -> "CarriersDown".equals(e.getReason())))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getMessage()).contains("carrier-b"));

    // Nobody left to ask: the column is emptied rather than left claiming 1/2.
    servers.forEach(server -> server.stop(0));
    servers.clear();
    awaitCarriersUp(null);
    assertThat(carriersCondition().getReason()).isEqualTo("NoProxyAnswered");
  }

  @Test
  void aReplicaOnItsShareSaysTheStoreIsUnreachable() throws IOException {
    ns.apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: acme-store}
        stringData: {address: "redis.data.svc:6379"}
        """);
    ns.apply(
        TestNamespace.trunkManifest(
            "acme", "scaling: {maxReplicas: 4}\nstore: {secretName: acme-store}"));
    ns.await(Deployment.class, "acme-sip-proxy");
    SipTrunk trunk = ns.get(SipTrunk.class, "acme");
    for (String address : POD_ADDRESSES) {
      proxyPod(trunk, address);
    }

    setStores(storeShared(1), storeShared(1));
    awaitSharedState("Shared");

    setStores(storeShared(1), storeShared(0));
    awaitSharedState("StoreUnreachable");
    assertThat(sharedStateCondition().getStatus()).isEqualTo(Conditions.FALSE);
    assertThat(sharedStateCondition().getMessage())
        .isEqualTo(
            "the store of Secret acme-store is unreachable: 1 replica runs on its share, 1/4 of"
                + " the channels and calls per second");
    assertThat(ns.awaitEvent("acme", "StoreUnreachable").getMessage()).contains("acme-store");
    assertThat(ns.kubectl("get", "siptrunks").lines().skip(1).findFirst().orElseThrow())
        .contains("StoreUnreachable");

    setStores(storeShared(1), storeShared(1));
    awaitSharedState("Shared");
  }

  private static String storeShared(int shared) {
    return "trunkline_store_shared{trunk=\"acme\"} %d.0\n".formatted(shared);
  }

  private void setStores(String... perPod) {
    for (int i = 0; i < perPod.length; i++) {
      stores.get(i).set(perPod[i]);
    }
  }

  private void awaitSharedState(String reason) {
    await()
        .atMost(TestNamespace.WAIT)
        .until(() -> reason.equals(sharedStateCondition().getReason()));
  }

  private Condition sharedStateCondition() {
    SipTrunk trunk = ns.get(SipTrunk.class, "acme");
    return trunk.getStatus() == null
        ? new Condition()
        : Conditions.find(trunk.getStatus().getConditions(), "SharedState")
            .orElseGet(Condition::new);
  }

  private static String carrierUp(String carrier, int up) {
    return "trunkline_carrier_up{carrier=\"%s\",trunk=\"acme\"} %d.0\n".formatted(carrier, up);
  }

  private void setCarriers(String... perPod) {
    for (int i = 0; i < perPod.length; i++) {
      carriers.get(i).set(perPod[i]);
    }
  }

  private void awaitCarriersUp(String expected) {
    await()
        .atMost(TestNamespace.WAIT)
        .until(
            () -> {
              SipTrunkStatus status = ns.get(SipTrunk.class, "acme").getStatus();
              // The first status is written once the trunk's whole first reconciliation is done.
              return status != null && Objects.equals(expected, status.getCarriersUp());
            });
  }

  private Condition carriersCondition() {
    return Conditions.find(ns.get(SipTrunk.class, "acme").getStatus().getConditions(), "CarriersUp")
        .orElseThrow();
  }

  private void awaitReplicas(int expected) {
    await()
        .atMost(TestNamespace.WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> replicas() == expected);
  }

  /** The status is written after the Deployment, so it is awaited on its own. */
  private void awaitSessions(int expected) {
    await()
        .atMost(TestNamespace.WAIT)
        .until(
            () ->
                Integer.valueOf(expected)
                    .equals(ns.get(SipTrunk.class, "acme").getStatus().getSessions()));
  }

  private int replicas() {
    return ns.get(Deployment.class, "acme-sip-proxy").getSpec().getReplicas();
  }

  private void setSessions(int... perPod) {
    for (int i = 0; i < perPod.length; i++) {
      sessions.get(i).set(perPod[i]);
    }
  }

  /**
   * A ready proxy pod at {@code address} whose /q/metrics serves a settable session gauge, settable
   * carrier gauges and a settable store gauge, in the text its Micrometer registry writes.
   */
  private void proxyPod(SipTrunk trunk, String address) throws IOException {
    int port = LoopbackPorts.freePort(address);
    AtomicInteger gauge = new AtomicInteger();
    AtomicReference<String> carrierGauges = new AtomicReference<>("");
    AtomicReference<String> storeGauge = new AtomicReference<>("");
    HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
    server.createContext(
        "/q/metrics",
        exchange -> {
          byte[] body =
              ("# TYPE trunkline_carrier_up gauge\n"
                      + carrierGauges.get()
                      + "# TYPE trunkline_store_shared gauge\n"
                      + storeGauge.get()
                      + "# TYPE trunkline_sessions gauge\ntrunkline_sessions{trunk=\"acme\"} "
                      + gauge.get()
                      + ".0\n")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    servers.add(server);
    sessions.add(gauge);
    carriers.add(carrierGauges);
    stores.add(storeGauge);

    Pod pod =
        client
            .pods()
            .inNamespace(ns.name())
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("acme-sip-proxy-" + address.replace('.', '-'))
                    .withLabels(TrunkMetadata.labels(trunk, TrunkMetadata.PROXY))
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName(TrunkMetadata.PROXY)
                    .withImage("sip-proxy")
                    .addNewPort()
                    .withName("http")
                    .withContainerPort(port)
                    .endPort()
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    pod.setStatus(
        new io.fabric8.kubernetes.api.model.PodStatusBuilder()
            .withPhase("Running")
            .withPodIP(address)
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .build());
    client.pods().inNamespace(ns.name()).resource(pod).updateStatus();
  }
}
