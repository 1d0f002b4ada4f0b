package io.trunkline.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
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

  /** The operator, then examples/{@code example} applied in {@code namespace}. */
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
