package io.trunkline.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.testing.kube.KubeNode;
import io.trunkline.testing.kube.TestBinaries;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The operator as a platform team installs it: this build's images on the node, then the chart,
 * waited for until the operator is ready. Once per test JVM, like the node.
 */
final class OperatorInstall {

  static final String NAMESPACE = "trunkline-system";

  private static boolean installed;

  private OperatorInstall() {}

  static synchronized void onto(KubeNode node) {
    if (installed) {
      return;
    }
    Path root = TestBinaries.repositoryRoot();
    node.importImages(
        root.resolve("operator/target/jib-image.tar"),
        root.resolve("sip-proxy/target/jib-image.tar"),
        root.resolve("media-relay/target/jib-image.tar"));
    node.helm(
        "upgrade",
        "--install",
        "trunkline",
        root.resolve("charts/trunkline-operator").toString(),
        "--namespace",
        NAMESPACE,
        "--create-namespace",
        // One operator: the chart's two (leader election) would only compete for the two cores.
        "--set",
        "replicas=1",
        // Five lines a shard (decision 0027): the small office's five lines fill one, and the
        // line SmallOfficeNodeTest adds grows the trunk to two while its pods run, so the kubelet
        // must add the new shard to a running pod's volume, with the lines that move into it.
        "--set",
        "snapshot.linesPerShard=5",
        "--wait",
        "--timeout",
        "5m");
    installed = true;
  }

  /** The operator, then examples/{@code example} (a folder or a file) in {@code namespace}. */
  static void example(KubeNode node, String example, String namespace) {
    onto(node);
    node.namespace(namespace);
    node.kubectl(
        "apply",
        "--namespace",
        namespace,
        "-f",
        TestBinaries.repositoryRoot().resolve("examples").resolve(example).toString());
  }

  /**
   * The operator, then examples/small-office's lines, Secrets and routes in {@code namespace}, with
   * a trunk of the same name exposed as {@code exposure} (YAML of its {@code spec.sip.exposure}):
   * for a test of one way peers outside reach the office's trunk. Its media goes straight between
   * the phones: relays on the host network of the one node are the office trunk's
   * (SmallOfficeNodeTest).
   */
  static void officeExposed(
      KubeNode node, KubernetesClient client, String namespace, String exposure) {
    for (String file : new String[] {"secrets.yaml", "lines.yaml", "routes.yaml"}) {
      example(node, "small-office/" + file, namespace);
    }
    String trunk =
        """
        apiVersion: trunkline.io/v1alpha1
        kind: SipTrunk
        metadata: {name: office}
        spec:
          channels: 5
          carriers: [{name: itsp, address: sip.itsp.example.net, credentialsSecret: itsp-login}]
          sip: {exposure: %s}
          media: {mode: Bypass}
          scaling: {minReplicas: 1, maxReplicas: 1}
        """
            .formatted(exposure);
    client
        .resource(client.getKubernetesSerialization().unmarshal(trunk, SipTrunk.class))
        .inNamespace(namespace)
        .createOr(NonDeletingOperation::update);
  }

  /**
   * Removes a test's example and closes its client, whatever else failed: its pods hold host ports
   * and node ports another test's trunk may need on this one node.
   */
  static void removeExample(KubeNode node, KubernetesClient client, String namespace) {
    try {
      if (node != null) {
        node.deleteNamespace(namespace, Duration.ofMinutes(3));
      }
    } finally {
      if (client != null) {
        client.close();
      }
    }
  }
}
