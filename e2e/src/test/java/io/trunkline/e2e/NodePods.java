package io.trunkline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** The pods a test looks at on the node. */
final class NodePods {

  private NodePods() {}

  /** The one pod of {@code namespace} with {@code label=value} that is not being deleted. */
  static Pod only(KubernetesClient client, String namespace, String label, String value) {
    List<Pod> pods =
        client.pods().inNamespace(namespace).withLabel(label, value).list().getItems().stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .toList();
    assertThat(pods).as(label + "=" + value + " in " + namespace).hasSize(1);
    return pods.get(0);
  }

  /** Whether every container of {@code pod} is ready. */
  static boolean ready(Pod pod) {
    return pod.getStatus().getContainerStatuses() != null
        && !pod.getStatus().getContainerStatuses().isEmpty()
        && pod.getStatus().getContainerStatuses().stream().allMatch(ContainerStatus::getReady);
  }
}
