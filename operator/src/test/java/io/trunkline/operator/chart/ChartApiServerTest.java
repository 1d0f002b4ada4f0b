package io.trunkline.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubeapitest.junit.KubeConfig;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.trunkline.testing.kube.TestBinaries;
import io.trunkline.testing.metrics.DocumentedMetrics;
import io.trunkline.testing.process.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart as a platform team uses it: the real helm against a real kube-apiserver. */
@EnableKubeAPIServer(kubeAPIVersion = TestBinaries.KUBERNETES_VERSION)
class ChartApiServerTest {

  private static final Path CHART =
      TestBinaries.repositoryRoot().resolve("charts/trunkline-operator");

  @KubeConfig static String kubeConfig;

  @TempDir Path work;

  @Test
  void lintsCleanly() throws Exception {
    assertThat(helm("lint", "--strict", CHART.toString())).contains("0 chart(s) failed");
  }

  @Test
  void installsCrdsRbacAndAnOperatorThatRunsAsNonRoot() throws Exception {
    Path kubeconfigFile = Files.writeString(work.resolve("kubeconfig"), kubeConfig);

    String out =
        helm(
            "install",
            "trunkline",
            CHART.toString(),
            "--namespace",
            "trunkline-system",
            "--create-namespace",
            "--set",
            "watchNamespaces={telephony}",
            "--kubeconfig",
            kubeconfigFile.toString());

    assertThat(out).contains("STATUS: deployed").contains("kubectl get trunkline");
    try (KubernetesClient client =
        new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeConfig)).build()) {
      assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
          .extracting(c -> c.getMetadata().getName())
          .contains(
              "siptrunks.trunkline.io", "siplines.trunkline.io", "routepolicies.trunkline.io");
      assertThat(
              client
                  .rbac()
                  .clusterRoles()
                  .withName("trunkline-trunkline-operator")
                  .get()
                  .getRules())
          .isNotEmpty();
      Deployment operator =
          client
              .apps()
              .deployments()
              .inNamespace("trunkline-system")
              .withName("trunkline-trunkline-operator")
              .get();
      assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
      var pod = operator.getSpec().getTemplate().getSpec();
      assertThat(pod.getServiceAccountName()).isEqualTo("trunkline-operator");
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      var container = pod.getContainers().get(0);
      assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(container.getEnv())
          .anySatisfy(
              e -> {
                assertThat(e.getName()).isEqualTo("TRUNKLINE_WATCHED_NAMESPACES");
                assertThat(e.getValue()).isEqualTo("telephony");
              });
      // The operator reads it as trunkline.snapshot.lines-per-shard (decision 0027).
      assertThat(container.getEnv())
          .anySatisfy(
              e -> {
                assertThat(e.getName()).isEqualTo("TRUNKLINE_SNAPSHOT_LINES_PER_SHARD");
                assertThat(e.getValue()).isEqualTo("1000");
              });
    }
  }

  @Test
  void rendersAlertsAndADashboardOnTheDocumentedMetrics() throws Exception {
    String rendered =
        helm(
            "template",
            "trunkline",
            CHART.toString(),
            "--set",
            "metrics.prometheusRule.enabled=true",
            "--set",
            "metrics.serviceMonitor.enabled=true",
            "--set",
            "metrics.grafanaDashboard.enabled=true");
    DocumentedMetrics documented = DocumentedMetrics.read();
    List<String> used =
        Pattern.compile("trunkline_[a-z_]+")
            .matcher(rendered)
            .results()
            .map(m -> m.group())
            .toList();

    assertThat(rendered)
        .contains("alert: TrunklineTrunkNearChannelQuota", "alert: TrunklineCarrierDown")
        .contains("alert: TrunklineHighRejectRate", "alert: TrunklineRelayPacketLoss")
        .contains(
            "alert: TrunklineProxyHeapTooSmall",
            "rate(jvm_gc_pause_seconds_sum{container=\"sip-proxy\"}[5m]))\n              > 0.05")
        .contains("kind: ServiceMonitor", "kind: PodMonitor", "grafana_dashboard: \"1\"");
    assertThat(used)
        .isNotEmpty()
        .allSatisfy(name -> assertThat(documented.metricOf(name)).as(name).isPresent());
    var dashboard =
        new ObjectMapper()
            .readTree(Files.readString(CHART.resolve("dashboards/trunkline-trunks.json")));
    assertThat(dashboard.get("panels")).hasSizeGreaterThanOrEqualTo(7);
  }

  /**
   * The chart installs the images this build makes: the operator's, and the proxy and relay images
   * the operator renders pods from, all named and tagged as the images profile's Jib tags them.
   */
  @Test
  void installsTheImagesOfThisBuild() throws Exception {
    String registry = System.getProperty("trunkline.image.registry");
    String version = System.getProperty("trunkline.version");
    assertThat(registry).as("set by the root pom's surefire configuration").isNotBlank();

    String rendered = helm("template", "trunkline", CHART.toString());

    assertThat(rendered)
        .contains("image: \"%s/operator:%s\"".formatted(registry, version))
        .contains("value: \"%s/sip-proxy:%s\"".formatted(registry, version))
        .contains("value: \"%s/media-relay:%s\"".formatted(registry, version));
  }

  @Test
  void refusesValuesOutsideItsSchema() {
    Commands.Result refused =
        helmRun("template", "trunkline", CHART.toString(), "--set", "replicas=0");

    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.output()).contains("/replicas").contains("minimum");
  }

  private String helm(String... args) {
    Commands.Result result = helmRun(args);
    assertThat(result.exitCode()).as(result.output()).isZero();
    return result.output();
  }

  private static Commands.Result helmRun(String... args) {
    List<String> command = new ArrayList<>();
    command.add(TestBinaries.binaryFolder().resolve("helm").toString());
    command.addAll(List.of(args));
    return Commands.run(Duration.ofSeconds(120), command);
  }
}
