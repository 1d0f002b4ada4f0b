package io.trunkline.operator;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.trunkline.testing.kube.ApiServerResources;
import io.trunkline.testing.kube.TestBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts a real kube-apiserver and etcd for the operator under test, installs the CRDs from crds/
 * (as the Helm chart would) and points the operator's client at it through a kubeconfig. There is
 * no kubelet and no controller-manager: tests stand in for pods by writing Deployment status, and
 * owner references are asserted rather than garbage collection.
 */
public class KubeApiServerResource implements QuarkusTestResourceLifecycleManager {

  private KubeAPIServer server;
  private Path kubeconfig;

  @Override
  public Map<String, String> start() {
    server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion(TestBinaries.KUBERNETES_VERSION)
                .build());
    server.start();
    try {
      kubeconfig = Files.createTempFile("trunkline-kubeconfig", ".yaml");
      Files.writeString(kubeconfig, server.getKubeConfigYaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml()))
            .build()) {
      ApiServerResources.installCrds(client);
    }
    // Fabric8 reads the kubeconfig named by this system property when Quarkus builds its client.
    System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig.toString());
    return Map.of();
  }

  @Override
  public void stop() {
    System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    if (server != null) {
      server.stop();
    }
    try {
      if (kubeconfig != null) {
        Files.deleteIfExists(kubeconfig);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
