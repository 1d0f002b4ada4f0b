package io.trunkline.operator.trunk.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.testing.kube.TestBinaries;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The operator reads what docs/metrics.md, the engines' contract, says they serve. */
class DataPlaneTest {

  @Test
  void theGaugesItReadsAndWhereTheyAreServedAreTheDocumentedOnes() throws Exception {
    String documented = Files.readString(TestBinaries.repositoryRoot().resolve("docs/metrics.md"));

    assertThat(documented)
        .contains(":" + DataPlane.OPS_PORT + DataPlane.METRICS_PATH)
        .contains("| `" + DataPlane.SESSIONS_METRIC + "` | gauge |")
        .contains(
            "| `"
                + DataPlane.CARRIER_UP_METRIC
                + "` | gauge | trunk, "
                + DataPlane.CARRIER_LABEL
                + " |")
        .contains("| `" + DataPlane.STORE_SHARED_METRIC + "` | gauge | trunk |");
  }
}
