package io.trunkline.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.testing.kube.TestBinaries;
import io.trunkline.testing.metrics.DocumentedMetrics;
import io.trunkline.testing.metrics.Series;
import io.trunkline.testing.process.Commands;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alerts evaluated, not only rendered: Prometheus's own {@code promtool test rules}
 * runs the rendered PrometheusRule over the series a Prometheus holds after scraping the pods
 * ({@code chart/alerts.test.yaml}), and each alert must fire where it should, after its {@code
 * for}, with the labels and text a platform team receives, and stay quiet in the close cases. The
 * series are held to docs/metrics.md, which {@code ProxyPodSippTest} holds a proxy's scrape to.
 */
class ChartAlertsPromtoolTest {

  private static final Path CHART =
      TestBinaries.repositoryRoot().resolve("charts/trunkline-operator");

  /** Debian's prometheus package; the root pom's test-peers install it. */
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  /** The labels the chart's PodMonitor adds to what a pod serves. */
  private static final Set<String> SCRAPE_LABELS = Set.of("namespace", "pod", "container");

  private static final Pattern SERIES = Pattern.compile("(?m)^\\s+- series: (.+)$");

  @TempDir Path work;

  @Test
  void alertsFireOnTheSeriesTheEnginesServeAndOnlyThere() throws Exception {
    Commands.Result rendered =
        Commands.run(
            Duration.ofSeconds(120),
            List.of(
                TestBinaries.binaryFolder().resolve("helm").toString(),
                "template",
                "trunkline",
                CHART.toString(),
                "--show-only",
                "templates/prometheusrule.yaml",
                "--set",
                "metrics.prometheusRule.enabled=true"));
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    KubernetesSerialization serialization = new KubernetesSerialization();
    GenericKubernetesResource rule =
        serialization.unmarshal(rendered.output(), GenericKubernetesResource.class);
    assertThat(rule.getKind()).isEqualTo("PrometheusRule");
    // A PrometheusRule's spec is a Prometheus rule file: its groups.
    Map<?, ?> spec = (Map<?, ?>) rule.getAdditionalProperties().get("spec");
    Files.writeString(work.resolve("rules.yaml"), serialization.asYaml(spec));
    try (InputStream tests = getClass().getResourceAsStream("/chart/alerts.test.yaml")) {
      Files.copy(tests, work.resolve("alerts.test.yaml"));
    }
    assertThat(PROMTOOL).as("promtool, from Debian's prometheus package").isExecutable();

    Commands.Result checked =
        Commands.run(
            Duration.ofSeconds(60),
            List.of(PROMTOOL.toString(), "check", "rules", work.resolve("rules.yaml").toString()));
    Commands.Result tested =
        Commands.run(
            Duration.ofSeconds(60),
            List.of(
                PROMTOOL.toString(), "test", "rules", work.resolve("alerts.test.yaml").toString()));

    assertThat(checked.exitCode()).as(checked.output()).isZero();
    assertThat(checked.output()).contains("SUCCESS: 5 rules found");
    assertThat(tested.exitCode()).as(tested.output()).isZero();
    assertThat(tested.output()).contains("SUCCESS");
    String cases = Files.readString(work.resolve("alerts.test.yaml"));
    assertThat(alertNames(spec))
        .hasSize(5)
        .allSatisfy(name -> assertThat(cases).contains("alertname: " + name));
    List<Series> series =
        SERIES.matcher(cases).results().map(m -> Series.parse(m.group(1))).toList();
    assertThat(series).hasSizeGreaterThan(20);
    assertThat(DocumentedMetrics.read().departures(series, SCRAPE_LABELS)).isEmpty();
  }

  private static List<String> alertNames(Map<?, ?> spec) {
    return ((List<?>) spec.get("groups"))
        .stream()
            .flatMap(group -> ((List<?>) ((Map<?, ?>) group).get("rules")).stream())
            .map(rule -> (String) ((Map<?, ?>) rule).get("alert"))
            .toList();
  }
}
