package io.trunkline.operator.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.operator.KubeApiServerResource;
import io.trunkline.operator.TestNamespace;
import io.trunkline.operator.status.Conditions;
import io.trunkline.operator.trunk.pool.DataPlanePods;
import io.trunkline.operator.trunk.pool.RelayPool;
import io.trunkline.testing.kube.TestBinaries;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every folder of examples/ (users copy them) applied to a real kube-apiserver with the operator
 * running: everything is accepted, every trunk gets its pools, every line and policy is Ready.
 */
@QuarkusTest
@QuarkusTestResource(value = KubeApiServerResource.class, restrictToAnnotatedClass = false)
class ExamplesApiServerTest {

  @Inject KubernetesClient client;

  static Stream<String> examples() throws IOException {
    try (Stream<Path> folders = Files.list(TestBinaries.repositoryRoot().resolve("examples"))) {
      return folders
          .filter(Files::isDirectory)
          .filter(f -> !f.getFileName().toString().equals("gitops"))
          .map(f -> f.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void appliesAndComesUp(String example) throws IOException {
    TestNamespace ns = new TestNamespace(client);
    List<HasMetadata> resources = load(example);
    resources.forEach(r -> client.resource(r).inNamespace(ns.name()).serverSideApply());

    List<SipTrunk> trunks = ofType(resources, SipTrunk.class);
    assertThat(trunks).as("every example holds a trunk").isNotEmpty();
    for (SipTrunk trunk : trunks) {
      String name = trunk.getMetadata().getName();
      Deployment proxy = ns.await(Deployment.class, name + "-sip-proxy");
      ns.await(Service.class, name + "-sip");
      ns.await(Service.class, name + "-sip-peers");
      ns.await(Service.class, name + "-sip-members");
      ns.await(ConfigMap.class, name + "-config");
      ns.await(Secret.class, name + "-credentials");
      ns.await(PodDisruptionBudget.class, name + "-sip-proxy");
      if (RelayPool.needed(trunk)) {
        ns.await(Deployment.class, name + "-media-relay");
        ns.await(Service.class, name + "-relay");
      }
      assertThat(proxy.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(o -> assertThat(o.getName()).isEqualTo(name));
      assertThat(proxy.getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
          .extracting(c -> c.getTopologyKey())
          .contains(DataPlanePods.ZONE_KEY);
      long lines =
          ofType(resources, SipLine.class).stream()
              .filter(l -> name.equals(l.getSpec().getTrunk()))
              .count();
      Awaitility.await()
          .atMost(TestNamespace.WAIT)
          .until(
              () -> {
                SipTrunk current = ns.get(SipTrunk.class, name);
                return current.getStatus() != null
                    && Conditions.isTrue(current.getStatus().getConditions(), "SnapshotCurrent")
                    && current.getStatus().getLines() == lines;
              });
    }
    for (SipLine line : ofType(resources, SipLine.class)) {
      ns.awaitReady(SipLine.class, line.getMetadata().getName(), "Accepted");
    }
    for (RoutePolicy policy : ofType(resources, RoutePolicy.class)) {
      ns.awaitReady(RoutePolicy.class, policy.getMetadata().getName(), "Accepted");
    }
  }

  private List<HasMetadata> load(String example) throws IOException {
    List<HasMetadata> resources = new ArrayList<>();
    try (Stream<Path> files =
        Files.list(TestBinaries.repositoryRoot().resolve("examples").resolve(example))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          resources.addAll(client.load(in).items());
        }
      }
    }
    return resources;
  }

  /** The resources of one of our kinds, typed (the generic loader does not know them). */
  private <T extends HasMetadata> List<T> ofType(List<HasMetadata> resources, Class<T> type) {
    String kind = HasMetadata.getKind(type);
    return resources.stream()
        .filter(r -> kind.equals(r.getKind()))
        .map(r -> client.getKubernetesSerialization().convertValue(r, type))
        .toList();
  }
}
