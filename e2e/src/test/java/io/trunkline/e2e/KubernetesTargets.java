package io.trunkline.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The targets Prometheus's Kubernetes service discovery finds, written as its file discovery reads
 * them: one per container port of every pod (role {@code pod}) and one per ready address and port
 * of every Endpoints (role {@code endpoints}), each with the {@code __meta_kubernetes_*} labels
 * that discovery documents for it. The scrape jobs' relabeling, Prometheus's own, then picks the
 * monitors' targets from them.
 *
 * @param pods the file of the pods' targets
 * @param endpoints the file of the Endpoints' targets
 */
record KubernetesTargets(Path pods, Path endpoints) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Files in {@code dir}, empty until {@link #discover} fills them. */
  static KubernetesTargets in(Path dir) throws IOException {
    KubernetesTargets targets =
        new KubernetesTargets(dir.resolve("pods.json"), dir.resolve("endpoints.json"));
    write(targets.pods, List.of());
    write(targets.endpoints, List.of());
    return targets;
  }

  /** A label name as Kubernetes discovery spells it: every other character an underscore. */
  static String labelName(String kubernetesLabel) {
    return kubernetesLabel.replaceAll("[^a-zA-Z0-9_]", "_");
  }

  /** Writes what the API server holds now; Prometheus reads the files again when they change. */
  void discover(KubernetesClient client) throws IOException {
    List<Pod> allPods = client.pods().inAnyNamespace().list().getItems();
    Map<String, Service> services =
        client.services().inAnyNamespace().list().getItems().stream()
            .collect(Collectors.toMap(s -> key(s.getMetadata()), s -> s));
    List<Map<String, Object>> endpointTargets = new ArrayList<>();
    for (Endpoints endpoints : client.endpoints().inAnyNamespace().list().getItems()) {
      Optional<Service> service = Optional.ofNullable(services.get(key(endpoints.getMetadata())));
      for (EndpointSubset subset : endpoints.getSubsets()) {
        for (EndpointAddress address : subset.getAddresses()) {
          for (EndpointPort port : subset.getPorts()) {
            endpointTargets.add(
                target(
                    address.getIp(),
                    port.getPort(),
                    endpointLabels(endpoints.getMetadata(), service, address, port, allPods)));
          }
        }
      }
    }
    write(pods, podTargets(allPods));
    write(endpoints, endpointTargets);
  }

  /** One target per container port of every pod that has an address. */
  private static List<Map<String, Object>> podTargets(List<Pod> allPods) {
    List<Map<String, Object>> targets = new ArrayList<>();
    for (Pod pod : allPods) {
      if (pod.getStatus().getPodIP() == null) {
        continue;
      }
      for (Container container : pod.getSpec().getContainers()) {
        for (ContainerPort port : container.getPorts()) {
          Map<String, String> labels = podLabels(pod);
          labels.putAll(containerLabels(container, port));
          targets.add(target(pod.getStatus().getPodIP(), port.getContainerPort(), labels));
        }
      }
    }
    return targets;
  }

  private static Map<String, String> endpointLabels(
      ObjectMeta meta,
      Optional<Service> service,
      EndpointAddress address,
      EndpointPort port,
      List<Pod> allPods) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("__meta_kubernetes_namespace", meta.getNamespace());
    labels.put("__meta_kubernetes_endpoints_name", meta.getName());
    labels.put("__meta_kubernetes_endpoint_ready", "true");
    labels.put("__meta_kubernetes_endpoint_port_name", nonNull(port.getName()));
    labels.put("__meta_kubernetes_endpoint_port_protocol", port.getProtocol());
    service.ifPresent(s -> labels.putAll(serviceLabels(s)));
    ObjectReference target = address.getTargetRef();
    if (target != null) {
      labels.put("__meta_kubernetes_endpoint_address_target_kind", target.getKind());
      labels.put("__meta_kubernetes_endpoint_address_target_name", target.getName());
      allPods.stream()
          .filter(p -> p.getMetadata().getUid().equals(target.getUid()))
          .findFirst()
          .ifPresent(pod -> labels.putAll(endpointPodLabels(pod, port)));
    }
    return labels;
  }

  private static String key(ObjectMeta meta) {
    return meta.getNamespace() + "/" + meta.getName();
  }

  private static Map<String, String> podLabels(Pod pod) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("__meta_kubernetes_namespace", pod.getMetadata().getNamespace());
    labels.put("__meta_kubernetes_pod_name", pod.getMetadata().getName());
    labels.put("__meta_kubernetes_pod_ip", pod.getStatus().getPodIP());
    labels.put("__meta_kubernetes_pod_node_name", nonNull(pod.getSpec().getNodeName()));
    labels.put("__meta_kubernetes_pod_phase", pod.getStatus().getPhase());
    putLabels(labels, "__meta_kubernetes_pod_label", pod.getMetadata().getLabels());
    return labels;
  }

  private static Map<String, String> containerLabels(Container container, ContainerPort port) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("__meta_kubernetes_pod_container_name", container.getName());
    labels.put("__meta_kubernetes_pod_container_init", "false");
    labels.put("__meta_kubernetes_pod_container_port_name", nonNull(port.getName()));
    labels.put(
        "__meta_kubernetes_pod_container_port_number", Integer.toString(port.getContainerPort()));
    labels.put("__meta_kubernetes_pod_container_port_protocol", port.getProtocol());
    return labels;
  }

  private static Map<String, String> serviceLabels(Service service) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("__meta_kubernetes_service_name", service.getMetadata().getName());
    putLabels(labels, "__meta_kubernetes_service_label", service.getMetadata().getLabels());
    return labels;
  }

  /** An object's Kubernetes labels, each with its value and as present. */
  private static void putLabels(
      Map<String, String> labels, String prefix, Map<String, String> objectLabels) {
    Optional.ofNullable(objectLabels)
        .orElse(Map.of())
        .forEach(
            (name, value) -> {
              labels.put(prefix + "_" + labelName(name), value);
              labels.put(prefix + "present_" + labelName(name), "true");
            });
  }

  /** An endpoint's pod, and its container whose port the endpoint is (by number). */
  private static Map<String, String> endpointPodLabels(Pod pod, EndpointPort port) {
    Map<String, String> labels = podLabels(pod);
    for (Container container : pod.getSpec().getContainers()) {
      for (ContainerPort containerPort : container.getPorts()) {
        if (containerPort.getContainerPort().equals(port.getPort())) {
          labels.putAll(containerLabels(container, containerPort));
        }
      }
    }
    return labels;
  }

  private static Map<String, Object> target(String ip, int port, Map<String, String> labels) {
    return Map.of("targets", List.of(ip + ":" + port), "labels", labels);
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }

  /** Written whole, then moved in place: Prometheus never reads half a file. */
  private static void write(Path file, List<Map<String, Object>> groups) throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".next");
    JSON.writeValue(next.toFile(), groups);
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
