package io.trunkline.testing.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.trunkline.testing.process.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real one-node Kubernetes cluster on this machine (tools/node/up.sh: etcd, kube-apiserver,
 * controller-manager, scheduler, containerd and runc, kubelet, kube-proxy, CoreDNS), started once
 * per test JVM by the first test that asks for it and stopped, with everything it made, when the
 * JVM exits (tools/node/down.sh). Needs root.
 */
public final class KubeNode {

  private static final Duration UP_LIMIT = Duration.ofMinutes(15);
  private static final Duration DOWN_LIMIT = Duration.ofMinutes(3);

  private static KubeNode shared;

  private final Path kubeconfig;
  private final String address;
  private final OutsideNetwork outside;

  private KubeNode(Path kubeconfig, String address, OutsideNetwork outside) {
    this.kubeconfig = kubeconfig;
    this.address = address;
    this.outside = outside;
  }

  /** The node of this test run, started on first use. */
  public static synchronized KubeNode shared() {
    if (shared == null) {
      Path tools = TestBinaries.repositoryRoot().resolve("tools/node");
      // Down first, whatever happens later in the JVM: a half-started node is torn down too;
      // TRUNKLINE_NODE_KEEP=1 keeps it for a look after a failure (tools/node/down.sh removes it).
      if (System.getenv("TRUNKLINE_NODE_KEEP") == null) {
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(() -> Commands.run(DOWN_LIMIT, List.of("bash", tools + "/down.sh"))));
      }
      for (String script : List.of("build.sh", "up.sh")) {
        Commands.Result result = Commands.run(UP_LIMIT, List.of("bash", tools + "/" + script));
        if (result.exitCode() != 0) {
          throw new IllegalStateException(
              "tools/node/"
                  + script
                  + " failed (exit "
                  + result.exitCode()
                  + "):\n"
                  + tail(result));
        }
      }
      Path kubeconfig = stateFolder().resolve("kubeconfig");
      shared = new KubeNode(kubeconfig, internalAddress(kubeconfig), OutsideNetwork.read());
    }
    return shared;
  }

  /** Where up.sh keeps the node's state, certificates, logs and admin kubeconfig. */
  public static Path stateFolder() {
    String folder = System.getenv("TRUNKLINE_NODE_DIR");
    return Path.of(folder != null ? folder : "/tmp/trunkline-node");
  }

  /** The admin kubeconfig. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /**
   * The node's address: where peers outside the cluster reach node ports and pods on the host
   * network, and where the tests' phones and carriers send.
   */
  public String address() {
    return address;
  }

  /** Where peers run that must be outside the cluster, with addresses of their own. */
  public OutsideNetwork outside() {
    return outside;
  }

  /** A client with the admin's rights; close it. */
  public KubernetesClient client() {
    return client(kubeconfig);
  }

  /** Creates namespace {@code name} unless it exists (a test rerun on a kept node). */
  public void namespace(String name) {
    try (KubernetesClient client = client()) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .createOr(NonDeletingOperation::update);
    }
  }

  /**
   * Deletes namespace {@code name} and waits until it is gone, without its pods' grace periods: a
   * proxy's drain would wait up to its bound for calls a test abandoned (its sipp killed), and the
   * next test needs the node's host ports free. The namespace is marked for deletion first, so no
   * pod is created in it again; its pods are then removed at once. The namespace controller, which
   * had put off its next look for the pods' grace period (up to a proxy's drain bound), is woken by
   * an update of the namespace.
   */
  public void deleteNamespace(String name, Duration limit) {
    kubectl("delete", "namespace", name, "--ignore-not-found", "--wait=false");
    kubectl(
        "delete",
        "pods",
        "--all",
        "--namespace",
        name,
        "--ignore-not-found",
        "--grace-period=0",
        "--force");
    // Fails only when the namespace is gone already, which is what is wanted.
    tool("kubectl", "annotate", "namespace", name, "trunkline.io/removal=forced", "--overwrite");
    kubectl("wait", "--for=delete", "namespace/" + name, "--timeout=" + limit.toSeconds() + "s");
  }

  /** Imports image tarballs (Jib's docker-archive tars) into the node's containerd. */
  public void importImages(Path... tarballs) {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(TestBinaries.repositoryRoot().resolve("tools/node/import-image.sh").toString());
    for (Path tarball : tarballs) {
      if (!Files.isRegularFile(tarball)) {
        throw new IllegalStateException(tarball + " is missing: the build makes it (jib buildTar)");
      }
      command.add(tarball.toString());
    }
    check(Commands.run(Duration.ofMinutes(5), command), "import-image.sh");
  }

  /** Runs kubectl against the node and returns its output; fails on a non-zero exit. */
  public String kubectl(String... args) {
    return check(tool("kubectl", args), "kubectl " + String.join(" ", args));
  }

  /** Runs helm against the node and returns its output; fails on a non-zero exit. */
  public String helm(String... args) {
    return check(tool("helm", args), "helm " + String.join(" ", args));
  }

  /**
   * What a failed test shows of {@code namespaces}: their objects and events, and the last log
   * lines of their pods.
   */
  public String describe(String... namespaces) {
    StringBuilder out = new StringBuilder();
    for (String namespace : namespaces) {
      for (List<String> args :
          List.of(
              List.of("get", "all,events", "-o", "wide", "-n", namespace),
              List.of(
                  "logs",
                  "-n",
                  namespace,
                  "-l",
                  "app.kubernetes.io/name",
                  "--all-containers",
                  "--prefix",
                  "--tail=40"))) {
        out.append("\n$ kubectl ").append(String.join(" ", args)).append('\n');
        out.append(tool("kubectl", args.toArray(String[]::new)).output());
      }
    }
    return out.toString();
  }

  /** Runs kubectl or helm against the node, whatever its exit. */
  public Commands.Result tool(String name, String... args) {
    List<String> command = new ArrayList<>();
    command.add(TestBinaries.binaryFolder().resolve(name).toString());
    command.addAll(List.of(args));
    command.add("--kubeconfig");
    command.add(kubeconfig.toString());
    return Commands.run(Duration.ofMinutes(6), command);
  }

  private static String check(Commands.Result result, String what) {
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          what + " failed (exit " + result.exitCode() + "):\n" + tail(result));
    }
    return result.output();
  }

  private static String internalAddress(Path kubeconfig) {
    try (KubernetesClient client = client(kubeconfig)) {
      return client.nodes().list().getItems().get(0).getStatus().getAddresses().stream()
          .filter(a -> "InternalIP".equals(a.getType()))
          .map(NodeAddress::getAddress)
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("the node reports no InternalIP"));
    }
  }

  private static KubernetesClient client(Path kubeconfig) {
    try {
      return new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(Commands.Result result) {
    String output = result.output();
    return output.length() > 4000 ? "..." + output.substring(output.length() - 4000) : output;
  }
}
