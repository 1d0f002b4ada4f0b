package io.trunkline.operator.trunk.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.testing.metrics.DocumentedMetrics;
import org.junit.jupiter.api.Test;

/** The operator reads what docs/metrics.md, the engines' contract, says they serve. */
class DataPlaneTest {

  private final DocumentedMetrics contract = DocumentedMetrics.read();

  @Test
  void theGaugesItReadsAndWhereTheyAreServedAreTheDocumentedOnes() {
    assertThat(contract.endpoint()).isEqualTo(":" + DataPlane.OPS_PORT + DataPlane.METRICS_PATH);
    assertThat(contract.typeOf(DataPlane.SESSIONS_METRIC)).isEqualTo("gauge");
    assertThat(contract.typeOf(DataPlane.CARRIER_UP_METRIC)).isEqualTo("gauge");
    assertThat(contract.labelsOf(DataPlane.CARRIER_UP_METRIC))
        .containsExactlyInAnyOrder("trunk", DataPlane.CARRIER_LABEL);
    assertThat(contract.typeOf(DataPlane.STORE_SHARED_METRIC)).isEqualTo("gauge");
    assertThat(contract.labelsOf(DataPlane.STORE_SHARED_METRIC)).containsExactly("trunk");
  }
}
