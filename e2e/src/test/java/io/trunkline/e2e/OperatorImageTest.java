package io.trunkline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The operator's image as the chart's Deployment runs it (read-only root filesystem, a writable
 * /tmp as its emptyDir, the non-root user), outside any cluster: Quarkus and the Operator SDK boot
 * and start the three controllers, whose first call goes to the API server a pod reaches, {@code
 * kubernetes.default.svc}. The chart's install on a real node is {@code *NodeTest}'s.
 */
class OperatorImageTest {

  private static GenericContainer<?> operator;

  @BeforeAll
  static void start() {
    operator =
        BuildImages.container("operator")
            // Vert.x caches class-path files in /tmp (decision 0011).
            .withTmpFs(Map.of("/tmp", "rw,size=64m"))
            .waitingFor(
                Wait.forLogMessage(".*Starting 'siptrunk' controller.*", 1)
                    .withStartupTimeout(Duration.ofSeconds(90)));
    operator.start();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.stop();
    }
  }

  @Test
  void startsItsThreeControllersAsItsNonRootUser() {
    // The container counts as started at the first controller's line; JOSDK starts its
    // controllers in parallel, so the others may log a moment later.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(operator.getLogs())
                    .contains("Starting 'siptrunk' controller")
                    .containsPattern("Starting '(sipline|routepolicy)' controller"));
    assertThat(operator.getContainerInfo().getConfig().getUser()).isEqualTo("65532:65532");
    assertThat(operator.getContainerInfo().getHostConfig().getReadonlyRootfs()).isTrue();
  }

  @Test
  void itsFilesBelongToRootAndOnlyTmpIsWorldWritable() {
    assertThat(ImageTarball.unsafeFiles("operator")).isEmpty();
  }

  @Test
  void makesItsFirstCallToTheApiServerOfTheClusterItRunsIn() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(operator.getLogs()).contains("kubernetes.default.svc"));
  }
}
