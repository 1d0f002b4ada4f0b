package io.trunkline.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.trunkline.api.v1alpha1.ResourceStatus;
import io.trunkline.operator.status.Conditions;
import io.trunkline.testing.kube.ApiServerResources;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;

/** A namespace of one test on the real API server, with what tests do in it. */
public final class TestNamespace {

  /** Bound of every wait: the operator reacts in well under a second on loopback. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final String name;

  public TestNamespace(KubernetesClient client) {
    this.client = client;
    this.name = ApiServerResources.freshNamespace(client);
  }

  public String name() {
    return name;
  }

  /** Applies a manifest the way kubectl apply --server-side does. */
  public void apply(String yaml) {
    client.resource(yaml).inNamespace(name).serverSideApply();
  }

  public <T extends HasMetadata> T get(Class<T> type, String resource) {
    return client.resources(type).inNamespace(name).withName(resource).get();
  }

  public <T extends HasMetadata> T await(Class<T> type, String resource) {
    Awaitility.await().atMost(WAIT).until(() -> get(type, resource) != null);
    return get(type, resource);
  }

  public void awaitGone(Class<? extends HasMetadata> type, String resource) {
    Awaitility.await().atMost(WAIT).until(() -> get(type, resource) == null);
  }

  /** Waits until the resource's Ready condition has {@code reason}, and returns the condition. */
  public Condition awaitReady(
      Class<? extends CustomResource<?, ResourceStatus>> type, String resource, String reason) {
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> ready(type, resource).map(c -> reason.equals(c.getReason())).orElse(false));
    return ready(type, resource).orElseThrow();
  }

  /** Waits for an Event about {@code resource} with {@code reason}. */
  public Event awaitEvent(String resource, String reason) {
    Awaitility.await().atMost(WAIT).until(() -> event(resource, reason).isPresent());
    return event(resource, reason).orElseThrow();
  }

  public List<Event> events(String resource) {
    return client.v1().events().inNamespace(name).list().getItems().stream()
        .filter(e -> resource.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private Optional<Event> event(String resource, String reason) {
    return events(resource).stream().filter(e -> reason.equals(e.getReason())).findFirst();
  }

  private Optional<Condition> ready(
      Class<? extends CustomResource<?, ResourceStatus>> type, String resource) {
    var current = get(type, resource);
    return current == null || current.getStatus() == null
        ? Optional.empty()
        : Conditions.find(current.getStatus().getConditions(), Conditions.READY);
  }
}
