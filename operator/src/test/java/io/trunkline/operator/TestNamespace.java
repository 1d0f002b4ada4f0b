package io.trunkline.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.trunkline.api.v1alpha1.ResourceStatus;
import io.trunkline.operator.status.Conditions;
import io.trunkline.testing.kube.ApiServerResources;
import io.trunkline.testing.kube.TestBinaries;
import io.trunkline.testing.process.Commands;
import java.time.Duration;
import java.util.ArrayList;
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

  /** A trunk with one carrier on loopback, plus {@code extraSpec} (indented YAML lines). */
  public static String trunkManifest(String name, String extraSpec) {
    return """
        apiVersion: trunkline.io/v1alpha1
        kind: SipTrunk
        metadata: {name: %s}
        spec:
          channels: 20
          carriers: [{name: carrier-a, address: "127.0.0.1:5080"}]
        %s"""
        .formatted(name, extraSpec.indent(2));
  }

  public String name() {
    return name;
  }

  /**
   * Runs the real kubectl (built by tools/build-test-binaries.sh) in this namespace against the
   * test's API server, bounded in time, and returns what it printed.
   */
  public String kubectl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(TestBinaries.binaryFolder().resolve("kubectl").toString());
    command.add("--kubeconfig=" + System.getProperty(Config.KUBERNETES_KUBECONFIG_FILE));
    command.add("--namespace=" + name);
    command.addAll(List.of(args));
    Commands.Result result = Commands.run(WAIT, command);
    if (result.exitCode() != 0) {
      throw new IllegalStateException("kubectl failed: " + result.output());
    }
    return result.output();
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
