package io.trunkline.operator.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.testing.kube.TestBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Argo CD and Flux manifests point at example folders that exist. (Their own CRDs are not in
 * the test API server, so they are checked here rather than applied.)
 */
class GitOpsManifestsTest {

  private static final Path ROOT = TestBinaries.repositoryRoot();
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  @Test
  void argoApplicationDeploysAnExampleFolder() throws Exception {
    GenericKubernetesResource app = load("examples/gitops/argocd/application.yaml").get(0);

    assertThat(app.getKind()).isEqualTo("Application");
    Map<String, Object> source = app.get("spec", "source");
    assertThat(ROOT.resolve((String) source.get("path"))).isDirectory();
  }

  @Test
  void fluxKustomizationDeploysAnExampleFolderAndWaits() throws Exception {
    GenericKubernetesResource kustomization =
        load("examples/gitops/flux/kustomization.yaml").stream()
            .filter(r -> "Kustomization".equals(r.getKind()))
            .findFirst()
            .orElseThrow();

    Map<String, Object> spec = kustomization.get("spec");
    assertThat(ROOT.resolve(((String) spec.get("path")).substring(2))).isDirectory();
    assertThat(spec.get("wait")).isEqualTo(true);
  }

  private static List<GenericKubernetesResource> load(String file) throws Exception {
    return List.of(Files.readString(ROOT.resolve(file)).split("(?m)^---$")).stream()
        .filter(doc -> doc.contains("kind:"))
        .map(doc -> YAML.unmarshal(doc, GenericKubernetesResource.class))
        .toList();
  }
}
