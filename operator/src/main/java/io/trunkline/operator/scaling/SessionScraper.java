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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Reads the session gauge, the carrier gauges and the store gauge of every ready proxy of a trunk
 * from its /q/metrics, one request per proxy. Runs on the polling event source's own threads, never
 * in a reconcile, and a new count triggers one.
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

  /**
   * What one proxy's metrics said: its sessions, its carrier gauges by carrier name (1 in rotation,
   * 0 out), and whether it runs on its share of the trunk because its store is unreachable.
   */
  record ProxyReport(int sessions, Map<String, Double> carriers, boolean onShare) {

    /**
     * Reads a proxy's /q/metrics text; empty without the session gauge, which every proxy serves,
     * so a body that lacks it is not a proxy's answer.
     */
    static Optional<ProxyReport> parse(String text) {
      OptionalDouble sessions = PrometheusText.sum(text, DataPlane.SESSIONS_METRIC);
      if (sessions.isEmpty()) {
        return Optional.empty();
      }
      // A proxy without a store serves no store gauge: only a 0 says it lost the store.
      OptionalDouble shared = PrometheusText.sum(text, DataPlane.STORE_SHARED_METRIC);
      return Optional.of(
          new ProxyReport(
              (int) Math.round(sessions.getAsDouble()),
              PrometheusText.byLabel(text, DataPlane.CARRIER_UP_METRIC, DataPlane.CARRIER_LABEL),
              shared.isPresent() && shared.getAsDouble() == 0));
    }
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
    return Set.of(count(pods.stream().map(this::scrape).toList()));
  }

  /**
   * The pool's count from each ready proxy's report (empty for one that did not answer). Sessions
   * add up; a carrier is up when any answering proxy keeps it in rotation, since each proxy probes
   * and routes on its own and a carrier one of them reaches takes that proxy's calls.
   */
  static SessionCount count(List<Optional<ProxyReport>> reports) {
    int sessions = 0;
    int answered = 0;
    int onShare = 0;
    Set<String> up = new HashSet<>();
    Set<String> reported = new HashSet<>();
    for (Optional<ProxyReport> report : reports) {
      if (report.isEmpty()) {
        continue;
      }
      sessions += report.get().sessions();
      answered++;
      if (report.get().onShare()) {
        onShare++;
      }
      report
          .get()
          .carriers()
          .forEach(
              (carrier, value) -> {
                reported.add(carrier);
                if (value > 0) {
                  up.add(carrier);
                }
              });
    }
    reported.removeAll(up);
    return new SessionCount(sessions, answered, reports.size() - answered, up, reported, onShare);
  }

  /** One GET of the pod's metrics, read for both sessions and carriers. */
  private Optional<ProxyReport> scrape(Pod pod) {
    URI uri =
        URI.create(
            "http://" + pod.getStatus().getPodIP() + ":" + opsPort(pod) + DataPlane.METRICS_PATH);
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? ProxyReport.parse(response.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
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
