package io.trunkline.operator.scaling;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.operator.trunk.pool.DataPlane;
import io.trunkline.operator.trunk.pool.TrunkMetadata;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Reads the session gauge of every ready proxy of a trunk from its /q/metrics. Runs on the polling
 * event source's own threads, never in a reconcile, and a new count triggers one.
 */
public final class SessionScraper
    implements PerResourcePollingEventSource.ResourceFetcher<SessionCount, SipTrunk> {

  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();

  public SessionScraper(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Set<SessionCount> fetchResources(SipTrunk trunk) {
    List<Pod> pods =
        client
            .pods()
            .inNamespace(trunk.getMetadata().getNamespace())
            .withLabels(TrunkMetadata.labels(trunk, TrunkMetadata.PROXY))
            .list()
            .getItems()
            .stream()
            .filter(SessionScraper::ready)
            .toList();
    int sessions = 0;
    int answered = 0;
    for (Pod pod : pods) {
      OptionalDouble count = scrape(pod);
      if (count.isPresent()) {
        sessions += (int) Math.round(count.getAsDouble());
        answered++;
      }
    }
    return Set.of(new SessionCount(sessions, answered, pods.size() - answered));
  }

  private OptionalDouble scrape(Pod pod) {
    URI uri =
        URI.create(
            "http://" + pod.getStatus().getPodIP() + ":" + opsPort(pod) + DataPlane.METRICS_PATH);
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? PrometheusText.sum(response.body(), DataPlane.SESSIONS_METRIC)
          : OptionalDouble.empty();
    } catch (IOException e) {
      return OptionalDouble.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalDouble.empty();
    }
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getPodIP() != null
        && pod.getMetadata().getDeletionTimestamp() == null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static int opsPort(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .flatMap(c -> c.getPorts().stream())
        .filter(p -> DataPlane.OPS_PORT_NAME.equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(DataPlane.OPS_PORT);
  }
}
