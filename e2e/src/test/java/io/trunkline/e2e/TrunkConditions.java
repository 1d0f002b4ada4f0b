package io.trunkline.e2e;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.util.Optional;

/** A trunk's status conditions, as the node's API server holds them. */
final class TrunkConditions {

  private TrunkConditions() {}

  /** Condition {@code type} of trunk {@code name}; empty until the trunk has a status with it. */
  static Optional<Condition> of(
      KubernetesClient client, String namespace, String name, String type) {
    SipTrunk trunk = client.resources(SipTrunk.class).inNamespace(namespace).withName(name).get();
    if (trunk == null || trunk.getStatus() == null) {
      return Optional.empty();
    }
    return trunk.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }
}
