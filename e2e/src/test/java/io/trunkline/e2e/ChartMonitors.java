package io.trunkline.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.testing.kube.KubeNode;
import io.trunkline.testing.kube.TestBinaries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The chart's monitoring objects (PodMonitor, ServiceMonitor, PrometheusRule) as a Prometheus runs
 * them. Without the Prometheus Operator on the node, each monitor becomes the scrape job that
 * operator generates for it: a {@code keep} per selector label and for the endpoint's port name,
 * and the target labels it adds (namespace, pod, container, and the service for a ServiceMonitor).
 * So the scrape finds exactly the pods the chart's selectors match, on the port names they name,
 * and the rules read the labels the alerts group by.
 *
 * <p>Debian's Prometheus is built without Kubernetes service discovery, so the jobs read their
 * targets from the files {@link KubernetesTargets} writes, with the labels that discovery gives
 * (and a {@code keep} on the namespace where it would be asked for the monitor's namespaces).
 *
 * @param monitors the PodMonitor and the ServiceMonitor, as the chart renders them
 * @param rules the PrometheusRule's spec: a Prometheus rule file
 */
record ChartMonitors(List<GenericKubernetesResource> monitors, Map<?, ?> rules) {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  /** Renders the chart's monitoring templates with them enabled, at {@code interval}. */
  static ChartMonitors render(KubeNode node, String interval) {
    String chart = TestBinaries.repositoryRoot().resolve("charts/trunkline-operator").toString();
    String rendered =
        node.helm(
            "template",
            "trunkline",
            chart,
            "--namespace",
            OperatorInstall.NAMESPACE,
            "--show-only",
            "templates/servicemonitor.yaml",
            "--show-only",
            "templates/prometheusrule.yaml",
            "--set",
            "metrics.serviceMonitor.enabled=true",
            "--set",
            "metrics.serviceMonitor.interval=" + interval,
            "--set",
            "metrics.prometheusRule.enabled=true");
    List<GenericKubernetesResource> objects = new ArrayList<>();
    for (String document : rendered.split("(?m)^---\\s*$")) {
      if (!document.isBlank()) {
        objects.add(YAML.unmarshal(document, GenericKubernetesResource.class));
      }
    }
    Map<?, ?> rules =
        objects.stream()
            .filter(o -> "PrometheusRule".equals(o.getKind()))
            .map(o -> (Map<?, ?>) o.getAdditionalProperties().get("spec"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no PrometheusRule in " + rendered));
    return new ChartMonitors(
        objects.stream().filter(o -> o.getKind().endsWith("Monitor")).toList(), rules);
  }

  /** The rule file. */
  String ruleFile() {
    return YAML.asYaml(rules);
  }

  /**
   * Prometheus's configuration: one job per monitor endpoint, its targets from {@code targets}'
   * files.
   */
  String prometheusConfig(KubernetesTargets targets, Path ruleFile, String evaluationInterval) {
    List<Map<String, Object>> jobs = new ArrayList<>();
    for (GenericKubernetesResource monitor : monitors) {
      jobs.addAll(
          "PodMonitor".equals(monitor.getKind())
              ? podJobs(monitor, targets.pods())
              : serviceJobs(monitor, targets.endpoints()));
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("global", Map.of("evaluation_interval", evaluationInterval));
    config.put("rule_files", List.of(ruleFile.toString()));
    config.put("scrape_configs", jobs);
    return YAML.asYaml(config);
  }

  private static List<Map<String, Object>> podJobs(
      GenericKubernetesResource monitor, Path targets) {
    Map<?, ?> spec = spec(monitor);
    List<Map<String, Object>> jobs = new ArrayList<>();
    List<?> endpoints = (List<?>) spec.get("podMetricsEndpoints");
    for (int i = 0; i < endpoints.size(); i++) {
      Map<?, ?> endpoint = (Map<?, ?>) endpoints.get(i);
      List<Map<String, Object>> relabel = new ArrayList<>(namespaceKeep(monitor, spec));
      relabel.addAll(selectorKeeps(spec, "__meta_kubernetes_pod_label"));
      relabel.add(keep(List.of("__meta_kubernetes_pod_container_port_name"), port(endpoint)));
      relabel.add(copy("__meta_kubernetes_namespace", "namespace"));
      relabel.add(copy("__meta_kubernetes_pod_container_name", "container"));
      relabel.add(copy("__meta_kubernetes_pod_name", "pod"));
      relabel.add(set("job", namespaceOf(monitor) + "/" + monitor.getMetadata().getName()));
      relabel.add(set("endpoint", port(endpoint)));
      jobs.add(job("podMonitor", monitor, i, endpoint, targets, relabel));
    }
    return jobs;
  }

  private static List<Map<String, Object>> serviceJobs(
      GenericKubernetesResource monitor, Path targets) {
    Map<?, ?> spec = spec(monitor);
    List<Map<String, Object>> jobs = new ArrayList<>();
    List<?> endpoints = (List<?>) spec.get("endpoints");
    for (int i = 0; i < endpoints.size(); i++) {
      Map<?, ?> endpoint = (Map<?, ?>) endpoints.get(i);
      List<Map<String, Object>> relabel = new ArrayList<>(namespaceKeep(monitor, spec));
      relabel.addAll(selectorKeeps(spec, "__meta_kubernetes_service_label"));
      relabel.add(keep(List.of("__meta_kubernetes_endpoint_port_name"), port(endpoint)));
      relabel.add(copy("__meta_kubernetes_namespace", "namespace"));
      relabel.add(copy("__meta_kubernetes_service_name", "service"));
      relabel.add(copy("__meta_kubernetes_pod_name", "pod"));
      relabel.add(copy("__meta_kubernetes_pod_container_name", "container"));
      relabel.add(copy("__meta_kubernetes_service_name", "job"));
      relabel.add(set("endpoint", port(endpoint)));
      jobs.add(job("serviceMonitor", monitor, i, endpoint, targets, relabel));
    }
    return jobs;
  }

  private static Map<String, Object> job(
      String kind,
      GenericKubernetesResource monitor,
      int index,
      Map<?, ?> endpoint,
      Path targets,
      List<Map<String, Object>> relabel) {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put(
        "job_name",
        kind + "/" + namespaceOf(monitor) + "/" + monitor.getMetadata().getName() + "/" + index);
    job.put("file_sd_configs", List.of(Map.of("files", List.of(targets.toString()))));
    job.put("metrics_path", endpoint.get("path"));
    job.put("scrape_interval", endpoint.get("interval"));
    job.put("relabel_configs", relabel);
    return job;
  }

  /**
   * Where the monitor looks: every namespace for {@code any}, else the names, else the monitor's
   * own namespace (the Prometheus Operator's default).
   */
  private static List<Map<String, Object>> namespaceKeep(
      GenericKubernetesResource monitor, Map<?, ?> spec) {
    Map<?, ?> selector = (Map<?, ?>) spec.get("namespaceSelector");
    if (selector != null && Boolean.TRUE.equals(selector.get("any"))) {
      return List.of();
    }
    List<?> names =
        selector != null && selector.get("matchNames") != null
            ? (List<?>) selector.get("matchNames")
            : List.of(namespaceOf(monitor));
    return List.of(
        keep(
            List.of("__meta_kubernetes_namespace"),
            names.stream().map(Object::toString).collect(Collectors.joining("|"))));
  }

  /** A keep per label of the selector: the label present, with its value. */
  private static List<Map<String, Object>> selectorKeeps(Map<?, ?> spec, String prefix) {
    Map<?, ?> matchLabels = (Map<?, ?>) ((Map<?, ?>) spec.get("selector")).get("matchLabels");
    List<Map<String, Object>> keeps = new ArrayList<>();
    matchLabels.forEach(
        (name, value) -> {
          String label = KubernetesTargets.labelName((String) name);
          keeps.add(
              keep(
                  List.of(prefix + "_" + label, prefix + "present_" + label),
                  "(" + value + ");true"));
        });
    return keeps;
  }

  /**
   * A label name as Kubernetes service discovery spells it: every other character an underscore.
   */
  private static String sanitized(String label) {
    return label.replaceAll("[^a-zA-Z0-9_]", "_");
  }

  private static Map<String, Object> keep(List<String> sources, String regex) {
    return Map.of("action", "keep", "source_labels", sources, "regex", regex);
  }

  private static Map<String, Object> copy(String source, String target) {
    return Map.of("source_labels", List.of(source), "target_label", target);
  }

  private static Map<String, Object> set(String target, String value) {
    return Map.of("target_label", target, "replacement", value);
  }

  private static String port(Map<?, ?> endpoint) {
    return (String) endpoint.get("port");
  }

  private static Map<?, ?> spec(GenericKubernetesResource monitor) {
    return (Map<?, ?>) monitor.getAdditionalProperties().get("spec");
  }

  private static String namespaceOf(GenericKubernetesResource monitor) {
    return monitor.getMetadata().getNamespace();
  }
}
