package io.trunkline.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TestBinariesTest {

  @Test
  void pinnedVersionMatchesTheBuildScript() throws Exception {
    String script =
        Files.readString(TestBinaries.repositoryRoot().resolve("tools/build-test-binaries.sh"));
    assertThat(script).contains("K8S_VERSION=" + TestBinaries.KUBERNETES_VERSION + "\n");
  }

  @Test
  void buildProducedEveryBinary() {
    Path folder = TestBinaries.binaryFolder();
    for (String binary : new String[] {"kube-apiserver", "etcd", "kubectl", "helm"}) {
      assertThat(folder.resolve(binary)).as(binary).isExecutable();
    }
  }
}
