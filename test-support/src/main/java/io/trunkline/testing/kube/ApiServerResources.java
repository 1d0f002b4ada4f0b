package io.trunkline.testing.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What API-server tests set up: the project's CRDs, as users install them, and namespaces. */
public final class ApiServerResources {

  private ApiServerResources() {}

  /**
   * Applies every CRD in the checkout's crds/ folder (what users install) and waits until the API
   * server serves each of them.
   */
  public static List<CustomResourceDefinition> installCrds(KubernetesClient client) {
    List<Path> files;
    try (Stream<Path> listing = Files.list(TestBinaries.repositoryRoot().resolve("crds"))) {
      files = listing.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<CustomResourceDefinition> crds =
        files.stream()
            .map(
                f ->
                    client.apiextensions().v1().customResourceDefinitions().load(f.toFile()).item())
            .toList();
    crds.forEach(crd -> client.resource(crd).serverSideApply());
    for (CustomResourceDefinition crd : crds) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd.getMetadata().getName())
          .waitUntilCondition(ApiServerResources::established, 30, TimeUnit.SECONDS);
    }
    return crds;
  }

  /** Creates a namespace of its own for one test, so tests never see each other's resources. */
  public static String freshNamespace(KubernetesClient client) {
    String name = "test-" + UUID.randomUUID().toString().substring(0, 8);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
