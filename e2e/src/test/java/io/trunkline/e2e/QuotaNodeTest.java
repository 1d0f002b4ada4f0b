package io.trunkline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.testing.kube.KubeNode;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A trunk sized beyond its namespace's ResourceQuota (decision 0037): the CRD cannot see the quota,
 * so the API server refuses the pods, not the trunk. The real deployment controller carries the
 * refusal to the Deployment, and the trunk says it in its Ready condition until its resources fit
 * and its proxy runs.
 */
class QuotaNodeTest {

  private static final String NAMESPACE = "quota";
  private static final Duration POD_START = Duration.ofMinutes(5);

  private static KubeNode node;
  private static KubernetesClient client;

  @BeforeAll
  static void installTheChartAndAQuota() {
    node = KubeNode.shared();
    client = node.client();
    OperatorInstall.onto(node);
    node.namespace(NAMESPACE);
    client
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("compute")
                .endMetadata()
                .withNewSpec()
                .addToHard("limits.memory", new Quantity("768Mi"))
                .endSpec()
                .build())
        .inNamespace(NAMESPACE)
        .create();
  }

  @AfterAll
  static void removeTheExample() {
    OperatorInstall.removeExample(node, client, NAMESPACE);
  }

  @Test
  void aTrunkBeyondItsQuotaSaysWhyItHasNoPodsAndRecoversOnceItFits() {
    client.resource(trunk("1Gi")).inNamespace(NAMESPACE).create();

    NodeWait.until(
        node,
        POD_START,
        () -> ready().map(c -> "PodsRefused".equals(c.getReason())).orElse(false),
        NAMESPACE,
        OperatorInstall.NAMESPACE);
    assertThat(ready().orElseThrow().getMessage())
        .startsWith("ready proxies: 0; sip-proxy pods refused: ")
        .contains("exceeded quota: compute")
        .contains("limits.memory=1Gi");

    client
        .resources(SipTrunk.class)
        .inNamespace(NAMESPACE)
        .withName("sized")
        .edit(
            trunk -> {
              trunk.getSpec().getResources().getProxy().getLimits().setMemory("512Mi");
              return trunk;
            });

    NodeWait.until(
        node,
        POD_START,
        () -> ready().map(c -> "True".equals(c.getStatus())).orElse(false),
        NAMESPACE,
        OperatorInstall.NAMESPACE);
    assertThat(ready().orElseThrow().getReason()).isEqualTo("PoolsReady");
  }

  /** One proxy, no relays, limited to {@code memory}. */
  private static SipTrunk trunk(String memory) {
    return client
        .getKubernetesSerialization()
        .unmarshal(
            """
                apiVersion: trunkline.io/v1alpha1
                kind: SipTrunk
                metadata: {name: sized}
                spec:
                  channels: 5
                  carriers: [{name: itsp, address: "127.0.0.1:5090"}]
                  sip: {exposure: {type: NodePort, nodePort: 30066}}
                  media: {mode: Bypass}
                  scaling: {minReplicas: 1, maxReplicas: 1}
                  resources: {proxy: {limits: {memory: %s}}}
                """
                .formatted(memory),
            SipTrunk.class);
  }

  private static Optional<Condition> ready() {
    return TrunkConditions.of(client, NAMESPACE, "sized", "Ready");
  }
}
