package io.trunkline.operator.rbac;

import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.operator.KubeApiServerResource;
import io.trunkline.testing.kube.TestBinaries;
import io.trunkline.testing.process.Commands;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Renders the chart's RBAC with the real helm, applies it, and runs the operator as the chart's
 * ServiceAccount. The API server knows that identity through a static token (there is no
 * controller-manager to mint ServiceAccount tokens); RBAC authorizes it like the real one.
 */
public class ChartRbacResource extends KubeApiServerResource {

  static final String NAMESPACE = "trunkline-system";
  static final String SERVICE_ACCOUNT = "trunkline-operator";
  private static final Set<String> RBAC_KINDS =
      Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");

  private static final String TOKEN = "least-privilege-operator-token";
  static final String USER = "system:serviceaccount:" + NAMESPACE + ":" + SERVICE_ACCOUNT;

  @Override
  protected KubeAPIServerConfigBuilder configure(KubeAPIServerConfigBuilder builder) {
    Path tokens =
        write(
            "trunkline-tokens",
            TOKEN
                + ","
                + USER
                + ",operator-uid,\"system:serviceaccounts,system:serviceaccounts:"
                + NAMESPACE
                + "\"\n");
    return builder.withApiServerFlag("--token-auth-file", tokens.toString());
  }

  @Override
  protected String operatorKubeconfig(KubernetesClient admin, String adminKubeconfig) {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    List<HasMetadata> rendered = admin.load(new ByteArrayInputStream(renderChart())).items();
    rendered.stream()
        .filter(r -> RBAC_KINDS.contains(r.getKind()))
        .forEach(r -> admin.resource(r).inNamespace(NAMESPACE).create());
    // The ServiceAccount's token instead of the admin's certificate, its namespace for the Lease.
    Config kubeconfig = KubeConfigUtils.parseConfigFromString(adminKubeconfig);
    kubeconfig
        .getUsers()
        .forEach(
            u -> {
              u.getUser().setClientCertificate(null);
              u.getUser().setClientKey(null);
              u.getUser().setClientCertificateData(null);
              u.getUser().setClientKeyData(null);
              u.getUser().setToken(TOKEN);
            });
    kubeconfig.getContexts().forEach(c -> c.getContext().setNamespace(NAMESPACE));
    return new KubernetesSerialization().asYaml(kubeconfig);
  }

  private static byte[] renderChart() {
    List<String> command =
        List.of(
            TestBinaries.binaryFolder().resolve("helm").toString(),
            "template",
            "trunkline",
            TestBinaries.repositoryRoot().resolve("charts/trunkline-operator").toString(),
            "--namespace",
            NAMESPACE);
    Commands.Result result = Commands.run(Duration.ofSeconds(60), command);
    if (result.exitCode() != 0) {
      throw new IllegalStateException("helm template failed: " + result.output());
    }
    return result.output().getBytes(StandardCharsets.UTF_8);
  }
}
