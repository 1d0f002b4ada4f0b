package io.trunkline.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.trunkline.api.v1alpha1.ResourceStatus;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The status of kinds whose only news is whether they are usable (SipLine, RoutePolicy): a Ready
 * condition and the observed generation. Writes only what changed and records an Event when Ready
 * turns false, naming the reason.
 */
public final class ReadyStatus {

  private ReadyStatus() {}

  public static <P extends CustomResource<?, ResourceStatus>> UpdateControl<P> update(
      P resource, Condition ready, KubernetesClient client, Clock clock) {
    ResourceStatus previous =
        resource.getStatus() == null ? new ResourceStatus() : resource.getStatus();
    long generation =
        resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
    boolean transition = Conditions.changes(previous.getConditions(), ready);
    if (!transition && Objects.equals(previous.getObservedGeneration(), generation)) {
      return UpdateControl.noUpdate();
    }
    if (transition && Conditions.FALSE.equals(ready.getStatus())) {
      new EventRecorder(client, clock).warning(resource, ready.getReason(), ready.getMessage());
    }
    ResourceStatus next = new ResourceStatus();
    next.setObservedGeneration(generation);
    List<Condition> conditions = Conditions.set(previous.getConditions(), ready, generation, clock);
    next.setConditions(conditions);
    resource.setStatus(next);
    return UpdateControl.patchStatus(resource);
  }
}
