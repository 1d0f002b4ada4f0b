package io.trunkline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.trunkline.testing.kube.KubeNode;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.rtp.RtpPhone;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's monitoring as a platform team's Prometheus runs it, against the pods the operator
 * runs on a real node: a real Prometheus picks them with the chart's PodMonitor and ServiceMonitor
 * (as the Prometheus Operator turns them into scrape jobs, {@link ChartMonitors}) from what the API
 * server holds ({@link KubernetesTargets}), scrapes them and evaluates the chart's PrometheusRule.
 * What {@code promtool} cannot show: that the selectors find the pods, that their ports are named
 * as the monitors say, and that the alerts' expressions meet the series and labels live pods serve.
 *
 * <p>The trunk is examples/small-office with one channel, so one call uses all of it; its carrier's
 * name resolves nowhere here, so the carrier is out of rotation; its RoutePolicy refuses calls
 * abroad; its calls' media goes through its relay.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringNodeTest {

  private static final String NAMESPACE = "monitored";
  private static final Duration POD_START = Duration.ofMinutes(5);

  /** Scrapes and rule evaluations this often, so that a test waits seconds, not minutes. */
  private static final String INTERVAL = "2s";

  /** An alert expression's comparison with its threshold, at its end. */
  private static final Pattern THRESHOLD = Pattern.compile("\\s*(>|<|==)\\s*[0-9.]+\\s*$");

  private static KubeNode node;
  private static KubernetesClient client;
  private static KubernetesTargets targets;
  private static PrometheusServer prometheus;

  @TempDir static Path work;

  @BeforeAll
  static void installTheExampleAndAPrometheus() throws Exception {
    node = KubeNode.shared();
    client = node.client();
    OperatorInstall.example(node, "small-office", NAMESPACE);
    node.kubectl(
        "patch",
        "siptrunk",
        "office",
        "--namespace",
        NAMESPACE,
        "--type",
        "merge",
        "--patch",
        "{\"spec\": {\"channels\": 1}}");

    ChartMonitors monitors = ChartMonitors.render(node, INTERVAL);
    targets = KubernetesTargets.in(work);
    Path rules = Files.writeString(work.resolve("rules.yaml"), monitors.ruleFile());
    Path config =
        Files.writeString(
            work.resolve("prometheus.yml"), monitors.prometheusConfig(targets, rules, INTERVAL));
    prometheus = PrometheusServer.start(config, work);
  }

  @AfterAll
  static void removeTheExampleAndThePrometheus() {
    try {
      if (prometheus != null) {
        prometheus.close();
      }
    } finally {
      OperatorInstall.removeExample(node, client, NAMESPACE);
    }
  }

  @Test
  @Order(1)
  void theMonitorsScrapeEveryPodOfTheTrunkAndTheOperator() throws Exception {
    NodeWait.until(
        node,
        POD_START,
        () ->
            NodePods.ready(proxy())
                && NodePods.ready(
                    NodePods.only(client, NAMESPACE, "app.kubernetes.io/name", "media-relay")),
        NAMESPACE,
        OperatorInstall.NAMESPACE);
    Set<Map<String, String>> pods =
        client.pods().inNamespace(NAMESPACE).list().getItems().stream()
            .map(
                pod ->
                    Map.of(
                        "namespace", NAMESPACE,
                        "pod", pod.getMetadata().getName(),
                        "container", pod.getSpec().getContainers().get(0).getName()))
            .collect(Collectors.toSet());
    assertThat(pods).hasSize(2);
    targets.discover(client);

    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              List<JsonNode> active = activeTargets();
              Set<Map<String, String>> scraped =
                  active.stream()
                      .filter(t -> NAMESPACE.equals(t.at("/labels/namespace").asText()))
                      .filter(t -> "up".equals(t.path("health").asText()))
                      .map(
                          t ->
                              Map.of(
                                  "namespace", t.at("/labels/namespace").asText(),
                                  "pod", t.at("/labels/pod").asText(),
                                  "container", t.at("/labels/container").asText()))
                      .collect(Collectors.toSet());
              assertThat(scraped).as(active.toString()).isEqualTo(pods);
              assertThat(active)
                  .as("the operator, through the ServiceMonitor")
                  .anySatisfy(
                      t -> {
                        assertThat(t.at("/labels/namespace").asText())
                            .isEqualTo(OperatorInstall.NAMESPACE);
                        assertThat(t.at("/labels/service").asText())
                            .isEqualTo("trunkline-trunkline-operator");
                        assertThat(t.path("health").asText()).isEqualTo("up");
                      });
            });
  }

  @Test
  @Order(2)
  void everyAlertEvaluatesAndItsExpressionMeetsTheLivePodsSeries() {
    // What each alert's expression yields without its threshold, from the series the pods serve:
    // one series per trunk, carrier or proxy, with the labels the alert groups by and its text
    // names. TrunklineHighRejectRate is not among them: its calls_rejected_total has no series
    // until a call is refused (the refusal test below makes some).
    Map<String, Map<String, String>> grouped =
        Map.of(
            "TrunklineTrunkNearChannelQuota", Map.of("namespace", NAMESPACE, "trunk", "office"),
            "TrunklineCarrierDown",
                Map.of("namespace", NAMESPACE, "trunk", "office", "carrier", "itsp"),
            "TrunklineRelayPacketLoss", Map.of("namespace", NAMESPACE, "trunk", "office"),
            "TrunklineProxyHeapTooSmall", Map.of("namespace", NAMESPACE, "pod", proxyName()));
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              List<JsonNode> rules =
                  stream(prometheus.data("rules").get("groups"))
                      .flatMap(group -> stream(group.get("rules")))
                      .toList();
              assertThat(rules)
                  .hasSize(5)
                  .allSatisfy(
                      rule -> {
                        assertThat(rule.path("type").asText()).isEqualTo("alerting");
                        assertThat(rule.path("health").asText())
                            .as(rule.toString())
                            .isEqualTo("ok");
                      });
              for (JsonNode rule : rules) {
                Map<String, String> labels = grouped.get(rule.path("name").asText());
                if (labels != null) {
                  String expression = THRESHOLD.matcher(rule.path("query").asText()).replaceAll("");
                  assertThat(stream(prometheus.query(expression)).map(s -> labels(s.get("metric"))))
                      .as(expression)
                      .containsExactly(labels);
                }
              }
            });
  }

  @Test
  @Order(3)
  void aCarrierOutOfRotationRaisesTrunklineCarrierDown() {
    awaitAlert(
        "TrunklineCarrierDown",
        Duration.ofMinutes(2),
        Map.of(
            "namespace", NAMESPACE, "trunk", "office", "carrier", "itsp", "severity", "critical"),
        "Carrier itsp of trunk office does not answer OPTIONS",
        "pending",
        "firing");
  }

  @Test
  @Order(4)
  void aCallOnTheTrunksLastChannelRaisesTrunklineTrunkNearChannelQuotaUntilItEnds()
      throws Exception {
    // The patched channels have reached the proxy, and nothing uses them yet.
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(
                        stream(
                                prometheus.query(
                                    "trunkline_channels{namespace=\"" + NAMESPACE + "\"}"))
                            .map(sample -> sample.at("/value/1").asText()))
                    .containsExactly("1"));
    assertThat(alerts("TrunklineTrunkNearChannelQuota")).isEmpty();

    OfficePhones phones = new OfficePhones(node.address(), 5060, work);
    int benPort = LoopbackPorts.stablePort(node.address());
    phones.register("ben", benPort);
    try (SippProcess ben = phones.benAnswers(benPort, LoopbackPorts.freePort(node.address()));
        SippProcess anna = phones.annaCallsBen(30_000)) {
      OfficePhones.awaitAnswered(ben);
      // Its "for" is ten minutes: pending, not firing, for a 30 s call.
      awaitAlert(
          "TrunklineTrunkNearChannelQuota",
          Duration.ofSeconds(25),
          Map.of("namespace", NAMESPACE, "trunk", "office", "severity", "warning"),
          "Trunk office uses over 90% of its channels",
          "pending");
      SippResult call = anna.await();
      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(ben.await().allCallsSucceeded()).isTrue();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(alerts("TrunklineTrunkNearChannelQuota")).isEmpty());
  }

  @Test
  @Order(5)
  void callsTheRoutePolicyRefusesRaiseTrunklineHighRejectRate() throws Exception {
    assertThat(alerts("TrunklineHighRejectRate")).isEmpty();
    OfficePhones phones = new OfficePhones(node.address(), 5060, work);

    // A counter's first sample is where its rate starts, not an increase: the first refusal must
    // be scraped before the second, which the rate then sees.
    callAbroadAndBeRefused(phones);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                !prometheus.query("trunkline_calls_rejected_total{reason=\"blocked\"}").isEmpty());
    callAbroadAndBeRefused(phones);

    awaitAlert(
        "TrunklineHighRejectRate",
        Duration.ofSeconds(30),
        Map.of("namespace", NAMESPACE, "trunk", "office", "severity", "warning"),
        "Trunk office rejects over 5% of new calls",
        "pending");
  }

  @Test
  @Order(6)
  void mediaLostBeforeTheRelayRaisesTrunklineRelayPacketLoss() throws Exception {
    assertThat(alerts("TrunklineRelayPacketLoss")).isEmpty();
    OfficePhones phones = new OfficePhones(node.address(), 5060, work);
    int benPort = LoopbackPorts.stablePort(node.address());
    phones.register("ben", benPort);

    try (RtpPhone benMedia = new RtpPhone(node.address(), 0x3333);
        SippProcess ben = phones.benAnswers(benPort, benMedia.port());
        SippProcess anna = phones.annaCallsBen(10_000)) {
      InetSocketAddress relayForBen = OfficePhones.audioAfter(ben.messageLog(), "INVITE sip:");
      // Every tenth packet of Ben's 100 lost on its way: the relay counts the gaps in sequence
      // numbers when the call's session ends (RFC 3550 §6.4.1).
      benMedia.send(relayForBen, 90, Set.of(9, 19, 29, 39, 49, 59, 69, 79, 89, 99));
      SippResult call = anna.await();
      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(ben.await().allCallsSucceeded()).isTrue();
    }

    awaitAlert(
        "TrunklineRelayPacketLoss",
        Duration.ofSeconds(30),
        Map.of("namespace", NAMESPACE, "trunk", "office", "severity", "warning"),
        "Relays of trunk office see over 1% RTP loss",
        "pending");
  }

  /** examples/small-office's RoutePolicy blocks calls abroad with 403. */
  private static void callAbroadAndBeRefused(OfficePhones phones) throws Exception {
    try (SippProcess anna = phones.annaCalls("+15555550100", 0)) {
      assertThat(anna.await().allCallsSucceeded()).isFalse();
      assertThat(Files.readString(anna.messageLog()))
          .contains("SIP/2.0 403 International calls blocked");
    }
  }

  private static List<JsonNode> activeTargets() {
    return stream(prometheus.data("targets?state=active").get("activeTargets")).toList();
  }

  /**
   * Waits until alert {@code name} is active once, in one of {@code states}, with {@code labels}
   * among its labels and its summary expanded to {@code summary}.
   */
  private static void awaitAlert(
      String name, Duration limit, Map<String, String> labels, String summary, String... states) {
    await()
        .atMost(limit)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(alerts(name))
                    .singleElement()
                    .satisfies(
                        alert -> {
                          assertThat(labels(alert.get("labels"))).containsAllEntriesOf(labels);
                          assertThat(alert.at("/annotations/summary").asText()).isEqualTo(summary);
                          assertThat(alert.path("state").asText()).isIn((Object[]) states);
                        }));
  }

  private static List<JsonNode> alerts(String name) {
    return stream(prometheus.data("alerts").get("alerts"))
        .filter(alert -> name.equals(alert.at("/labels/alertname").asText()))
        .toList();
  }

  private static Map<String, String> labels(JsonNode labels) {
    Map<String, String> map = new TreeMap<>();
    labels.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }

  private static Pod proxy() {
    return NodePods.only(client, NAMESPACE, "app.kubernetes.io/name", "sip-proxy");
  }

  private static String proxyName() {
    return proxy().getMetadata().getName();
  }
}
