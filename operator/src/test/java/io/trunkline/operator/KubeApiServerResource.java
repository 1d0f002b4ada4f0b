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

  /** System property holding the cluster-admin kubeconfig, for tests that set the scene. */
  public static final String ADMIN_KUBECONFIG = "trunkline.test.admin-kubeconfig";

  private KubeAPIServer server;
  private Path kubeconfig;
  private Path adminKubeconfig;

  @Override
  public Map<String, String> start() {
    server =
        new KubeAPIServer(
            configure(
                    KubeAPIServerConfigBuilder.anAPIServerConfig()
                        .withApiServerVersion(TestBinaries.KUBERNETES_VERSION))
                .build());
    server.start();
    String admin = server.getKubeConfigYaml();
    String operator;
    try (KubernetesClient client =
        new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(admin)).build()) {
      ApiServerResources.installCrds(client);
      operator = operatorKubeconfig(client, admin);
    }
    adminKubeconfig = write("trunkline-admin", admin);
    kubeconfig = write("trunkline-operator", operator);
    System.setProperty(ADMIN_KUBECONFIG, adminKubeconfig.toString());
    // Fabric8 reads the kubeconfig named by this system property when Quarkus builds its client.
    System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig.toString());
    return Map.of();
  }

  /** Extra settings of the API server, for subclasses. */
  protected KubeAPIServerConfigBuilder configure(KubeAPIServerConfigBuilder builder) {
    return builder;
  }

  /** The kubeconfig the operator runs with: cluster-admin here, narrower in subclasses. */
  protected String operatorKubeconfig(KubernetesClient admin, String adminKubeconfig) {
    return adminKubeconfig;
  }

  @Override
  public void stop() {
    System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    System.clearProperty(ADMIN_KUBECONFIG);
    if (server != null) {
      server.stop();
    }
    try {
      for (Path file : new Path[] {kubeconfig, adminKubeconfig}) {
        if (file != null) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected static Path write(String prefix, String content) {
    try {
      Path file = Files.createTempFile(prefix, ".yaml");
      Files.writeString(file, content);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
