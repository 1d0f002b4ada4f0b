package io.trunkline.testing.kube;

import java.nio.file.Path;

/** The upstream binaries that tools/build-test-binaries.sh builds for the tests. */
public final class TestBinaries {

  /**
   * The kube-apiserver, etcd and kubectl release the API-server tests run against; kept equal to
   * {@code K8S_VERSION} in the script by {@code TestBinariesTest}.
   */
  public static final String KUBERNETES_VERSION = "1.34.4";

  private TestBinaries() {}

  /** The checkout's root folder, as the build passes it to tests. */
  public static Path repositoryRoot() {
    String root = System.getProperty("trunkline.repo.root");
    if (root == null) {
      throw new IllegalStateException(
          "system property trunkline.repo.root is unset: run tests through ./mvnw");
    }
    return Path.of(root);
  }

  /** The folder of kube-api-test's cache that holds the pinned binaries, and helm beside them. */
  public static Path binaryFolder() {
    String cache = System.getenv("KUBE_API_TEST_DIR");
    Path base =
        cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".kubeapitest");
    return base.resolve("k8s").resolve(KUBERNETES_VERSION + "-linux-amd64");
  }
}
