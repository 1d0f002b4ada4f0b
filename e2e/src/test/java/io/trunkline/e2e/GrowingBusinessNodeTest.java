package io.trunkline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.trunkline.api.v1alpha1.trunk.EngineResources;
import io.trunkline.api.v1alpha1.trunk.PodResources;
import io.trunkline.api.v1alpha1.trunk.ResourceAmounts;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.testing.kube.KubeNode;
import io.trunkline.testing.kube.OutsideNetwork;
import io.trunkline.testing.kube.TestBinaries;
import io.trunkline.testing.redis.RedisServer;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/growing-business on the node: a 20-channel trunk on node port 30060 whose two proxies
 * count its channels together in a Redis. Its PBX and its carrier run outside the cluster (the
 * node's outside network namespace), so the PBX's packets reach the node port as a remote host's
 * would and the proxies admit it by its own address (externalTrafficPolicy Local). The Redis runs
 * on the node's address outside the cluster, as a managed Redis would. Only the addresses of the
 * example change: the PBX's source, the carrier's address and the store's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GrowingBusinessNodeTest {

  private static final Path EXAMPLE =
      TestBinaries.repositoryRoot().resolve("examples/growing-business");
  private static final String NAMESPACE = "acme";
  private static final int NODE_PORT = 30060;
  private static final String NATIONAL = "+4930555000";
  private static final Duration POD_START = Duration.ofMinutes(5);

  /** The proxies' memory limit in MiB: more than the default 512Mi. */
  private static final int PROXY_MEMORY_LIMIT_MI = 640;

  private static final Map<String, String> PROXIES = Map.of("app.kubernetes.io/name", "sip-proxy");

  /** A Prometheus sample line of a metric with labels: {@code name{labels} value}. */
  private static final String SAMPLE = "(?m)^%s\\{[^}]*} ([0-9.eE+-]+)$";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static KubeNode node;
  private static KubernetesClient client;
  private static OutsideNetwork outside;
  private static RedisServer redis;
  private static SippProcess carrierAnswers;
  private static String pbx;
  private static String carrier;
  private static int carrierPort;

  @TempDir static Path state;

  /**
   * Kept when a test fails: the sipp message logs its failure names are the one record of which
   * message went unanswered, since a pod gone in a rolling upgrade takes its logs along.
   */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  @BeforeAll
  static void installTheChartAndTheExampleWithThisMachinesAddresses() throws IOException {
    node = KubeNode.shared();
    client = node.client();
    outside = node.outside();
    pbx = outside.addresses().get(0);
    carrier = outside.addresses().get(1);
    carrierPort = outside.port();
    redis = RedisServer.start(node.address(), state.resolve("redis"));
    // From the start: the proxies probe the carrier with OPTIONS and route no call to it until
    // it answers them.
    carrierAnswers = carrierAnswering(state.resolve("carrier"));
    OperatorInstall.onto(node);
    node.namespace(NAMESPACE);
    for (String file : List.of("secrets.yaml", "routes.yaml")) {
      node.kubectl("apply", "--namespace", NAMESPACE, "-f", EXAMPLE.resolve(file).toString());
    }
    Secret store = client.secrets().inNamespace(NAMESPACE).withName("acme-store").get();
    client
        .resource(
            new SecretBuilder(store)
                .withData(null)
                .withStringData(Map.of("address", node.address() + ":" + redis.port()))
                .build())
        .inNamespace(NAMESPACE)
        .update();

    SipTrunk trunk =
        client
            .getKubernetesSerialization()
            .unmarshal(Files.readString(EXAMPLE.resolve("trunk.yaml")), SipTrunk.class);
    trunk.getSpec().getPbx().setSources(List.of(pbx + "/32"));
    trunk.getSpec().getCarriers().get(0).setAddress(carrier + ":" + carrierPort);
    // A team sizing its proxies for more calls: the limit reaches the kubelet, and the JVM's heap
    // follows it (decision 0037).
    trunk.getSpec().setResources(proxyMemoryLimit(PROXY_MEMORY_LIMIT_MI + "Mi"));
    client.resource(trunk).inNamespace(NAMESPACE).createOr(NonDeletingOperation::update);
  }

  @AfterAll
  static void removeTheExample() {
    try {
      OperatorInstall.removeExample(node, client, NAMESPACE);
    } finally {
      if (redis != null) {
        redis.close();
      }
      if (carrierAnswers != null) {
        carrierAnswers.close();
      }
    }
  }

  @Test
  @Order(1)
  void theTrunkBecomesReadyWithTwoProxiesOnTheNodePortCountingInTheStore() {
    NodeWait.until(
        node,
        POD_START,
        () ->
            readyProxies().size() == 2
                && "True".equals(trunkCondition("Ready"))
                && "True".equals(trunkCondition("SharedState"))
                && readyProxies().stream()
                    .allMatch(
                        proxy ->
                            sample(proxy, "trunkline_carrier_up") == 1
                                // The pool has formed: each proxy sees both own new calls.
                                && sample(proxy, "trunkline_pool_owners") == 2),
        NAMESPACE,
        OperatorInstall.NAMESPACE);
    assertThat(client.services().inNamespace(NAMESPACE).withName("acme-sip").get().getSpec())
        .satisfies(spec -> assertThat(spec.getType()).isEqualTo("NodePort"))
        .satisfies(spec -> assertThat(spec.getExternalTrafficPolicy()).isEqualTo("Local"));
    // At the limit its trunk gives it a proxy runs G1 with a heap of 60% of it, not the serial
    // collector the JVM would pick there on its own (decisions 0035, 0037).
    for (Pod proxy : readyProxies()) {
      assertThat(sample(proxy, "jvm_memory_max_bytes", "id=\"G1 Old Gen\""))
          .isCloseTo(0.60 * PROXY_MEMORY_LIMIT_MI * 1024 * 1024, within(4.0 * 1024 * 1024));
    }
  }

  /**
   * 21 calls held together, all arriving at one proxy (one flow) and each owned by the proxy its
   * Call-ID hashes to: 20 are answered, whichever proxy carries them, and the 21st is refused 503
   * with a Retry-After. Three new calls a second, under the trunk's five, so only its channels
   * refuse.
   */
  @Test
  @Order(2)
  void theTwentyFirstConcurrentCallIsRefused503AcrossTheProxies() throws Exception {
    List<Pod> proxies = readyProxies();
    assertThat(proxies).hasSize(2);
    try (SippProcess calls = pbxCalls(21, 15_000).concurrentCalls(21).rate(3).start(work)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> sum(proxies, "trunkline_sessions") == 20);
      SippResult result = calls.await();

      assertThat(result.statistics().successfulCalls()).as(result.toString()).isEqualTo(20);
      assertThat(result.statistics().failedCalls()).as(result.toString()).isEqualTo(1);
      assertThat(Files.readString(result.messageLog())).contains("SIP/2.0 503", "Retry-After:");
    }
    // Both proxies carried calls, and they refused one call for the trunk's quota between them.
    for (Pod proxy : proxies) {
      assertThat(sample(proxy, "trunkline_calls_total"))
          .as(proxy.getMetadata().getName())
          .isPositive();
    }
    assertThat(sum(proxies, "trunkline_calls_rejected_total", "reason=\"quota\"")).isEqualTo(1);
    assertThat(sum(proxies, "trunkline_calls_rejected_total", "reason=\"cps\"")).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> sum(proxies, "trunkline_sessions") == 0);
  }

  /**
   * Calls keep coming (3 a second, each held 3 s) while the proxies are replaced one by one and
   * then cut from two to one: the leaving proxies take no new call and keep theirs to their end,
   * the others hand the leaving proxies' in-dialog requests to them. No call fails and none is cut
   * (a cut call's caller would get a BYE it did not expect, and count it failed).
   */
  @Test
  @Order(3)
  void aRollingUpgradeAndAScaleDownUnderLoadFailNoCallAndCutNone() throws Exception {
    try (SippProcess load =
        // Bounded past the waits below (4 + 5 + 5 min at most): stopCalling() ends it sooner.
        pbxCalls(5_000, 3_000).rate(3).timeout(Duration.ofMinutes(16)).start(work)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> answered(load) >= 10);

      node.kubectl("rollout", "restart", "deployment/acme-sip-proxy", "--namespace", NAMESPACE);
      node.kubectl(
          "rollout",
          "status",
          "deployment/acme-sip-proxy",
          "--namespace",
          NAMESPACE,
          "--timeout=4m");
      NodeWait.until(node, POD_START, () -> proxies().size() == 2, NAMESPACE);
      long afterUpgrade = answered(load);

      node.kubectl(
          "patch",
          "siptrunk",
          "acme",
          "--namespace",
          NAMESPACE,
          "--type=merge",
          "--patch",
          "{\"spec\":{\"scaling\":{\"minReplicas\":1,\"maxReplicas\":1}}}");
      NodeWait.until(
          node, POD_START, () -> proxies().size() == 1 && readyProxies().size() == 1, NAMESPACE);
      // Calls went on between the upgrade and the scale-down, and after it.
      await().atMost(Duration.ofSeconds(30)).until(() -> answered(load) > afterUpgrade + 10);
      assertThat(load.running()).as("the load outlasted both changes").isTrue();

      load.stopCalling();
      SippResult result = load.await();
      assertThat(result.allCallsSucceeded()).as(result.toString()).isTrue();
      assertThat(result.statistics().successfulCalls()).isGreaterThan(afterUpgrade + 10);
    }
  }

  /**
   * The carrier outside, answering the calls of every test and their BYEs, and the proxies' OPTIONS
   * probes ({@code -aa}), without which it is out of rotation.
   */
  private static SippProcess carrierAnswering(Path work) {
    return Sipp.bundled("answer")
        .named("carrier")
        .inNetworkNamespace(outside.namespace())
        .local(carrier, carrierPort)
        .calls(10_000)
        .option("-aa")
        .timeout(Duration.ofMinutes(20))
        .start(work)
        .awaitListening(Duration.ofSeconds(10));
  }

  /**
   * The PBX outside calling a national number through the node port from its one socket, as a PBX
   * does, answering the proxy's digest challenge with the example's login. Its calls are one flow,
   * so they all reach the proxy kube-proxy picked for it, which hands each to its owner.
   */
  private Sipp pbxCalls(int calls, int holdMillis) {
    return Sipp.bundled("call-auth")
        .named("pbx-" + System.nanoTime())
        .inNetworkNamespace(outside.namespace())
        .local(pbx, outside.port())
        .remote(node.address(), NODE_PORT)
        .calls(calls)
        .variable("dest", NATIONAL)
        .option(
            "-s",
            "acme-pbx",
            "-au",
            "acme-pbx",
            "-ap",
            "change-me-pbx",
            "-d",
            Integer.toString(holdMillis))
        .timeout(Duration.ofSeconds(90));
  }

  /** Calls the PBX has completed so far. */
  private static long answered(SippProcess pbx) {
    return pbx.statisticsSoFar().successfulCalls();
  }

  private List<Pod> proxies() {
    return client.pods().inNamespace(NAMESPACE).withLabels(PROXIES).list().getItems();
  }

  private List<Pod> readyProxies() {
    return proxies().stream()
        .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
        .filter(
            pod ->
                pod.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .toList();
  }

  private String trunkCondition(String type) {
    return TrunkConditions.of(client, NAMESPACE, "acme", type)
        .map(c -> c.getStatus())
        .orElse("absent");
  }

  private static double sum(List<Pod> pods, String metric, String... labels) {
    return pods.stream().mapToDouble(pod -> sample(pod, metric, labels)).sum();
  }

  /** A proxy's metric as Prometheus scrapes it from the pod, summed over the series that match. */
  private static double sample(Pod pod, String metric, String... labels) {
    String body = scrape(pod);
    Matcher series = Pattern.compile(SAMPLE.formatted(Pattern.quote(metric))).matcher(body);
    double total = 0;
    while (series.find()) {
      String line = series.group();
      if (List.of(labels).stream().allMatch(line::contains)) {
        total += Double.parseDouble(series.group(1));
      }
    }
    return total;
  }

  private static String scrape(Pod pod) {
    URI metrics = URI.create("http://" + pod.getStatus().getPodIP() + ":8080/q/metrics");
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static PodResources proxyMemoryLimit(String memory) {
    ResourceAmounts limits = new ResourceAmounts();
    limits.setMemory(memory);
    EngineResources proxy = new EngineResources();
    proxy.setLimits(limits);
    PodResources resources = new PodResources();
    resources.setProxy(proxy);
    return resources;
  }
}
